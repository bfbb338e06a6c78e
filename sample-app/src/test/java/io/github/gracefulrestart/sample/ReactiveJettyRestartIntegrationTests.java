package io.github.gracefulrestart.sample;

/**
 * The core guarantees for a WebFlux application on Jetty: the reactive sample on that
 * server.
 */
class ReactiveJettyRestartIntegrationTests extends AbstractRestartIntegrationTests {

	@Override
	SampleApp.Server server() {
		return SampleApp.Server.REACTIVE_JETTY;
	}

}
