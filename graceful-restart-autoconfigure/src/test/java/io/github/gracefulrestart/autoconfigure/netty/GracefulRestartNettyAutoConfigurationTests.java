package io.github.gracefulrestart.autoconfigure.netty;

import io.github.gracefulrestart.autoconfigure.GracefulRestartAutoConfiguration;
import io.github.gracefulrestart.autoconfigure.WebServerRestartSupport;
import io.github.gracefulrestart.netty.NettyListeners;
import io.github.gracefulrestart.socket.InheritedListeners;
import org.junit.jupiter.api.Test;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.server.reactive.HttpHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GracefulRestartNettyAutoConfiguration}.
 */
class GracefulRestartNettyAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GracefulRestartAutoConfiguration.class,
				GracefulRestartNettyAutoConfiguration.class));

	@Test
	void nettyAppGetsTheListenersTheCustomizerAndTheServerSupport() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(NettyListeners.class)
			.hasSingleBean(GracefulRestartNettyCustomizer.class)
			.hasSingleBean(WebServerRestartSupport.class));
	}

	@Test
	void backsOffWithoutReactorNetty() {
		this.runner.withClassLoader(new FilteredClassLoader(HttpServer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(NettyListeners.class));
	}

	@Test
	void backsOffWhenRestartsAreDisabled() {
		this.runner.withPropertyValues("graceful-restart.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(NettyListeners.class));
	}

	@Test
	void customizerTakesTheResourceFactoryOverSoThatItsLoopResourcesComeWrapped() {
		NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory();
		ReactorResourceFactory resources = new ReactorResourceFactory();
		resources.setUseGlobalResources(false);
		resources.start();
		factory.setResourceFactory(resources);
		new GracefulRestartNettyCustomizer(new NettyListeners(InheritedListeners.none()), resources, "server",
				new DefaultListableBeanFactory().getBeanProvider(HttpHandler.class))
			.customize(factory);
		assertThat(factory.getServerCustomizers()).hasSize(1);
		HttpServer server = factory.getServerCustomizers().iterator().next().apply(HttpServer.create().port(0));
		assertThat(server.configuration().loopResources()).isNotSameAs(resources.getLoopResources());
		assertThat(server.configuration().isPreferNative()).as("NIO event loops").isFalse();
		assertThat(resources.getLoopResources()).isNotNull();
		resources.stop();
	}

}
