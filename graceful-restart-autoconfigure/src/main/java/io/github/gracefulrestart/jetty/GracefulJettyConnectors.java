package io.github.gracefulrestart.jetty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.util.Optional;

import io.github.gracefulrestart.socket.InheritedListeners;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Prepares a Jetty {@link Server}'s connectors for graceful restarts before it starts:
 * each {@link ServerConnector} gets a name (the first one, Spring Boot's, the given name;
 * others keep theirs, or {@code connector-PORT}), and one that matches an inherited
 * socket opens on it instead of binding, holding back from accepting until the
 * application is ready. Each connector's HTTP configuration gets the server's
 * {@link JettyDrain}.
 */
public final class GracefulJettyConnectors {

	private GracefulJettyConnectors() {
	}

	/**
	 * Name the connectors and adopt inherited sockets.
	 * @param server the server, not yet started
	 * @param firstName the name of the first connector ({@code server},
	 * {@code management})
	 * @param inherited the sockets this process inherited
	 */
	public static void prepare(Server server, String firstName, InheritedListeners inherited) {
		JettyDrain drain = new JettyDrain();
		server.addBean(drain);
		Connector[] connectors = server.getConnectors();
		for (int i = 0; i < connectors.length; i++) {
			if (connectors[i] instanceof ServerConnector connector) {
				if (i == 0) {
					connector.setName(firstName);
				}
				else if (connector.getName() == null) {
					connector.setName("connector-" + connector.getPort());
				}
				adopt(connector, inherited);
				HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
				if (http != null && http.getHttpConfiguration().getCustomizer(JettyDrain.class) == null) {
					http.getHttpConfiguration().addCustomizer(drain);
				}
			}
		}
	}

	private static void adopt(ServerConnector connector, InheritedListeners inherited) {
		Optional<ServerSocketChannel> channel = inherited.claim(connector.getName(), host(connector),
				connector.getPort());
		if (channel.isPresent()) {
			try {
				connector.open(channel.get());
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot serve inherited socket on " + connector, ex);
			}
			connector.setAccepting(false);
		}
	}

	private static InetAddress host(ServerConnector connector) {
		String host = connector.getHost();
		if (host == null || host.isEmpty()) {
			return null;
		}
		try {
			InetAddress address = InetAddress.getByName(host);
			return address.isAnyLocalAddress() ? null : address;
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException("Unknown host '" + host + "' of " + connector, ex);
		}
	}

}
