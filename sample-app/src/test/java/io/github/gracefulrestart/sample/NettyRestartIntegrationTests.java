package io.github.gracefulrestart.sample;

/**
 * The core guarantees on Reactor Netty: the WebFlux variant of the sample app.
 */
class NettyRestartIntegrationTests extends AbstractRestartIntegrationTests {

	@Override
	SampleApp.Server server() {
		return SampleApp.Server.NETTY;
	}

}
