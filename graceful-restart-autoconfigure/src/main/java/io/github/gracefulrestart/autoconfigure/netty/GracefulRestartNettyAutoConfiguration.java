package io.github.gracefulrestart.autoconfigure.netty;

import java.util.Optional;

import io.github.gracefulrestart.RestartableServer;
import io.github.gracefulrestart.autoconfigure.GracefulRestartAutoConfiguration;
import io.github.gracefulrestart.autoconfigure.WebServerRestartSupport;
import io.github.gracefulrestart.handover.Handoff;
import io.github.gracefulrestart.netty.NettyListeners;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.server.reactive.HttpHandler;

/**
 * {@link AutoConfiguration Auto-configuration} for graceful restarts on Reactor Netty.
 */
@AutoConfiguration(after = GracefulRestartAutoConfiguration.class)
@ConditionalOnClass({ HttpServer.class, NettyReactiveWebServerFactory.class })
@ConditionalOnBean(Handoff.class)
public final class GracefulRestartNettyAutoConfiguration {

	@Bean
	NettyListeners gracefulRestartNettyListeners(Handoff handoff) {
		return new NettyListeners(handoff.listeners());
	}

	@Bean
	GracefulRestartNettyCustomizer gracefulRestartNettyCustomizer(NettyListeners listeners,
			ObjectProvider<ReactorResourceFactory> resourceFactory, ObjectProvider<HttpHandler> httpHandler) {
		return new GracefulRestartNettyCustomizer(listeners, resourceFactory.getIfAvailable(), "server", httpHandler);
	}

	@Bean
	WebServerRestartSupport nettyRestartSupport(NettyListeners listeners) {
		return new WebServerRestartSupport() {

			@Override
			public Optional<RestartableServer> adapt(WebServer webServer) {
				return (webServer instanceof NettyWebServer netty) ? listeners.server(netty.getPort())
						: Optional.empty();
			}

			/**
			 * Not stopped: a stopped Netty server's graceful shutdown never reports back,
			 * and the context would wait a whole shutdown phase for it (30 s by default).
			 * What the drain left open is closed instead; the graceful shutdown then ends
			 * at once.
			 */
			@Override
			public void endDrained(WebServer webServer) {
				listeners.closeConnections(webServer.getPort());
			}

		};
	}

}
