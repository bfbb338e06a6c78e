package io.github.gracefulrestart.jetty;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.gracefulrestart.RestartableServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.component.Graceful;

/**
 * A Jetty {@link Server} as a {@link RestartableServer}: every {@link ServerConnector} is
 * a listener. The drain does not call {@link ServerConnector#shutdown()}, whose parts
 * hurt clients on a shared socket: it interrupts the acceptor threads (an interrupt that
 * lands as {@code accept()} completes makes the JDK throw
 * {@code ClosedByInterruptException} for a connection the kernel has already accepted:
 * that client is never answered), it cuts every connection's idle timeout to a second
 * (cutting a client that pauses mid-upload), and it ends responses already committed with
 * a FIN but no {@code Connection: close}. Instead the acceptors are told to stop, the
 * channel is closed to wake a blocked {@code accept()} (a completed accept returns its
 * connection; the JDK never calls {@code shutdown(2)}, so the socket keeps listening for
 * the next generation), and {@link JettyDrain} closes each connection after its next
 * response. HTTP/2 connections are shut down the way Jetty's graceful stop does it: each
 * session sends a graceful GOAWAY (last-stream-id 2^31-1, then the last stream it took),
 * lets its streams finish, and closes.
 */
public class JettyRestartableServer implements RestartableServer {

	private static final Log logger = LogFactory.getLog(JettyRestartableServer.class);

	private final Server server;

	/**
	 * Create an instance for a running server.
	 * @param server the server
	 */
	public JettyRestartableServer(Server server) {
		this.server = server;
	}

	@Override
	public String type() {
		return "jetty";
	}

	@Override
	public List<Listener> listeners() {
		List<Listener> listeners = new ArrayList<>();
		for (ServerConnector connector : connectors()) {
			if (connector.getTransport() instanceof ServerSocketChannel channel && channel.isOpen()) {
				try {
					listeners.add(new Listener(connector.getName(), (InetSocketAddress) channel.getLocalAddress()));
				}
				catch (java.io.IOException ex) {
					// closed meanwhile: not a listener any more
				}
			}
		}
		return listeners;
	}

	@Override
	public Optional<PrivateChannel> openPrivateChannel() throws IOException {
		return Optional.of(JettyPrivateChannel.open(this.server));
	}

	@Override
	public void startAccepting() {
		connectors().forEach((connector) -> connector.setAccepting(true));
	}

	@Override
	public void stopAccepting() {
		JettyDrain drain = this.server.getBean(JettyDrain.class);
		if (drain != null) {
			drain.start();
		}
		for (ServerConnector connector : connectors()) {
			goAway(connector);
			// Woken from accept(), the acceptor then waits for accepting to be set again.
			connector.setAccepting(false);
			if (connector.getTransport() instanceof ServerSocketChannel channel) {
				try {
					channel.close();
				}
				catch (java.io.IOException ex) {
					// closing anyway
				}
			}
		}
	}

	/**
	 * Send GOAWAY on the connector's HTTP/2 connections: the HTTP/2 connection factories
	 * keep their sessions in a {@link Graceful} bean, whose shutdown is Jetty's graceful
	 * GOAWAY. Nothing else a connection factory holds is graceful, and this needs none of
	 * Jetty's HTTP/2 classes.
	 */
	private static void goAway(ServerConnector connector) {
		for (ConnectionFactory factory : connector.getConnectionFactories()) {
			if (factory instanceof ContainerLifeCycle container) {
				container.getContainedBeans(Graceful.class).forEach(Graceful::shutdown);
			}
		}
	}

	@Override
	public int openConnections() {
		return connectors().stream().mapToInt((connector) -> connector.getConnectedEndPoints().size()).sum();
	}

	/**
	 * Close the WebSocket connections among the connected end points: each is a
	 * websocket-core {@code WebSocketConnection}, whose session (a private field, reached
	 * reflectively: Jetty's classes are on the application's class path) sends the close
	 * frame after what it is writing.
	 */
	@Override
	public int closeWebSockets(int status, String reason) {
		int closed = 0;
		for (Connection connection : webSocketConnections()) {
			if (closeWebSocket(connection, status, reason)) {
				closed++;
			}
		}
		return closed;
	}

	@Override
	public int webSockets() {
		return webSocketConnections().size();
	}

	private List<Connection> webSocketConnections() {
		List<Connection> webSockets = new ArrayList<>();
		for (ServerConnector connector : connectors()) {
			for (EndPoint endPoint : connector.getConnectedEndPoints()) {
				Connection connection = endPoint.getConnection();
				if (connection != null && webSocketConnectionType(connection) != null) {
					webSockets.add(connection);
				}
			}
		}
		return webSockets;
	}

	private static Class<?> webSocketConnectionType(Connection connection) {
		for (Class<?> type = connection.getClass(); type != null; type = type.getSuperclass()) {
			if (type.getName().equals("org.eclipse.jetty.websocket.core.WebSocketConnection")) {
				return type;
			}
		}
		return null;
	}

	private static boolean closeWebSocket(Connection connection, int status, String reason) {
		Class<?> type = webSocketConnectionType(connection);
		if (type != null) {
			try {
				Field coreSession = type.getDeclaredField("coreSession");
				coreSession.setAccessible(true);
				Object session = coreSession.get(connection);
				Method close = session.getClass().getMethod("close", int.class, String.class, Callback.class);
				close.invoke(session, status, reason, Callback.NOOP);
				return true;
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				logger.debug("Cannot close WebSocket connection " + connection, ex);
				return false;
			}
		}
		return false;
	}

	private List<ServerConnector> connectors() {
		List<ServerConnector> connectors = new ArrayList<>();
		for (Connector connector : this.server.getConnectors()) {
			if (connector instanceof ServerConnector serverConnector) {
				connectors.add(serverConnector);
			}
		}
		return connectors;
	}

}
