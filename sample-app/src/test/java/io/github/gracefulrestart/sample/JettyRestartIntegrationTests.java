package io.github.gracefulrestart.sample;

/**
 * The core guarantees on Jetty.
 */
class JettyRestartIntegrationTests extends AbstractRestartIntegrationTests {

	@Override
	SampleApp.Server server() {
		return SampleApp.Server.JETTY;
	}

}
