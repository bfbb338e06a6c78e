package io.github.gracefulrestart.autoconfigure.tomcat;

import io.github.gracefulrestart.socket.InheritedListeners;
import io.github.gracefulrestart.tomcat.GracefulNioProtocol;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Puts the factory's connector on {@link GracefulNioProtocol}, named for the next
 * generation to find it by, and hands it the inherited sockets.
 */
class GracefulRestartTomcatCustomizer implements WebServerFactoryCustomizer<TomcatWebServerFactory>, Ordered {

	private static final Log logger = LogFactory.getLog(GracefulRestartTomcatCustomizer.class);

	private final InheritedListeners inherited;

	private final String listenerName;

	GracefulRestartTomcatCustomizer(InheritedListeners inherited, String listenerName) {
		this.inherited = inherited;
		this.listenerName = listenerName;
	}

	@Override
	public void customize(TomcatWebServerFactory factory) {
		if (!TomcatWebServerFactory.DEFAULT_PROTOCOL.equals(factory.getProtocol())) {
			logger
				.warn("Tomcat protocol " + factory.getProtocol() + " is not " + TomcatWebServerFactory.DEFAULT_PROTOCOL
						+ ": listener '" + this.listenerName + "' cannot be handed to a new generation");
			return;
		}
		factory.setProtocol(GracefulNioProtocol.class.getName());
		factory.addConnectorCustomizers((connector) -> {
			if (connector.getProtocolHandler() instanceof GracefulNioProtocol protocol) {
				protocol.configure(this.listenerName, this.inherited);
			}
		});
	}

	@Override
	public int getOrder() {
		// After Spring Boot's own customizers, which may set the protocol from
		// properties.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
