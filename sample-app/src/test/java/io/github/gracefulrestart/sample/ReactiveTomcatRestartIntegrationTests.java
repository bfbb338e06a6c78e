package io.github.gracefulrestart.sample;

/**
 * The core guarantees for a WebFlux application on Tomcat: the reactive sample on that
 * server.
 */
class ReactiveTomcatRestartIntegrationTests extends AbstractRestartIntegrationTests {

	@Override
	SampleApp.Server server() {
		return SampleApp.Server.REACTIVE_TOMCAT;
	}

}
