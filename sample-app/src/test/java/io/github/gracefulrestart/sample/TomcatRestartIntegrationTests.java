package io.github.gracefulrestart.sample;

/**
 * The core guarantees on Tomcat.
 */
class TomcatRestartIntegrationTests extends AbstractRestartIntegrationTests {

	@Override
	SampleApp.Server server() {
		return SampleApp.Server.TOMCAT;
	}

}
