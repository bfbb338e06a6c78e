package io.github.gracefulrestart.autoconfigure.netty;

import io.github.gracefulrestart.netty.NettyListeners;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.server.reactive.HttpHandler;

/**
 * Graceful restarts for a separate management server ({@code management.server.port}):
 * Spring Boot runs it in a child context with its own Netty server, whose channel is the
 * {@code management} listener.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnClass({ HttpServer.class, NettyReactiveWebServerFactory.class })
@ConditionalOnBean(NettyListeners.class)
class GracefulRestartNettyManagementContextConfiguration {

	@Bean
	GracefulRestartNettyCustomizer gracefulRestartNettyManagementCustomizer(NettyListeners listeners,
			ObjectProvider<ReactorResourceFactory> resourceFactory, ObjectProvider<HttpHandler> httpHandler) {
		return new GracefulRestartNettyCustomizer(listeners, resourceFactory.getIfAvailable(), "management",
				httpHandler);
	}

}
