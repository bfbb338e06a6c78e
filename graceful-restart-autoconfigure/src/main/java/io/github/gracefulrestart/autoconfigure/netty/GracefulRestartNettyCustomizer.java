package io.github.gracefulrestart.autoconfigure.netty;

import io.github.gracefulrestart.netty.NettyListeners;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;

/**
 * Runs the factory's server on loop resources that give it a graceful server channel,
 * named for the next generation to find it by. Spring Boot runs a server on the resource
 * factory's loop resources when it starts it, after every customizer; so the factory is
 * given none, and the same loop resources, wrapped, are set here. The server runs on NIO
 * event loops: only an NIO channel can wrap the JDK channel of an inherited socket. The
 * context's web handler is what the warm-up's private server serves.
 */
class GracefulRestartNettyCustomizer implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

	private final NettyListeners listeners;

	private final ReactorResourceFactory resourceFactory;

	private final String listenerName;

	private final ObjectProvider<HttpHandler> httpHandler;

	GracefulRestartNettyCustomizer(NettyListeners listeners, ReactorResourceFactory resourceFactory,
			String listenerName, ObjectProvider<HttpHandler> httpHandler) {
		this.listeners = listeners;
		this.resourceFactory = resourceFactory;
		this.listenerName = listenerName;
		this.httpHandler = httpHandler;
	}

	@Override
	public void customize(NettyReactiveWebServerFactory factory) {
		// The warm-up's private server serves what this server serves: the context's web
		// handler.
		this.listeners.handler(this.listenerName, () -> {
			HttpHandler handler = this.httpHandler.getIfAvailable();
			return (handler != null) ? new ReactorHttpHandlerAdapter(handler)::apply : null;
		});
		factory.setResourceFactory(null);
		factory.addServerCustomizers((server) -> {
			LoopResources loops = (this.resourceFactory != null) ? this.resourceFactory.getLoopResources()
					: HttpResources.get();
			return server.runOn(
					this.listeners.loopResources(loops, this.listenerName, server.configuration().bindAddress()),
					false);
		});
	}

	@Override
	public int getOrder() {
		// After Spring Boot's own customizers.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
