package io.github.gracefulrestart.autoconfigure.jetty;

import io.github.gracefulrestart.jetty.GracefulJettyConnectors;
import io.github.gracefulrestart.socket.InheritedListeners;

import org.springframework.boot.jetty.JettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Adds a server customizer, run after the user's, that names the connectors and adopts
 * inherited sockets.
 */
class GracefulRestartJettyCustomizer implements WebServerFactoryCustomizer<JettyWebServerFactory>, Ordered {

	private final InheritedListeners inherited;

	private final String listenerName;

	GracefulRestartJettyCustomizer(InheritedListeners inherited, String listenerName) {
		this.inherited = inherited;
		this.listenerName = listenerName;
	}

	@Override
	public void customize(JettyWebServerFactory factory) {
		factory.addServerCustomizers(
				(server) -> GracefulJettyConnectors.prepare(server, this.listenerName, this.inherited));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
