package io.github.gracefulrestart.tomcat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.gracefulrestart.RestartableServer;
import io.github.gracefulrestart.websocket.WebSocketSessions;
import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * An embedded Tomcat as a {@link RestartableServer}: every connector on a
 * {@link GracefulNioProtocol} is a listener. Stopping to accept uses Tomcat's
 * {@code closeServerSocketGraceful()} without {@code pause()}: pause answers requests on
 * kept-alive connections with 503, whereas closing the server socket gracefully only
 * turns keep-alive off, so each connection ends after its current request with
 * {@code Connection: close}. HTTP/2 connections get a GOAWAY ({@link Http2GoAway}).
 * WebSocket sessions, of Spring MVC, {@code @ServerEndpoint} classes and WebFlux alike,
 * are those of the Jakarta WebSocket container in each context's servlet context
 * ({@link WebSocketSessions}).
 */
public class TomcatRestartableServer implements RestartableServer {

	/** The servlet context attribute of the Jakarta WebSocket server container. */
	private static final String SERVER_CONTAINER = "jakarta.websocket.server.ServerContainer";

	/**
	 * Whether the Jakarta WebSocket API is there: without it, {@link WebSocketSessions}
	 * is not touched.
	 */
	private static final boolean JAKARTA_WEBSOCKET = isPresent("jakarta.websocket.CloseReason");

	private final Tomcat tomcat;

	/**
	 * Create an instance for a running Tomcat.
	 * @param tomcat the Tomcat
	 */
	public TomcatRestartableServer(Tomcat tomcat) {
		this.tomcat = tomcat;
	}

	@Override
	public String type() {
		return "tomcat";
	}

	@Override
	public List<Listener> listeners() {
		List<Listener> listeners = new ArrayList<>();
		for (GracefulNioProtocol protocol : protocols()) {
			InetSocketAddress address = protocol.getBoundAddress();
			if (address != null) {
				listeners.add(new Listener(protocol.getListenerName(), address));
			}
		}
		return listeners;
	}

	@Override
	public void startAccepting() {
		protocols().forEach(GracefulNioProtocol::beginAccepting);
	}

	@Override
	public void stopAccepting() {
		List<GracefulNioProtocol> protocols = protocols();
		protocols.forEach(GracefulNioProtocol::closeServerSocketGraceful);
		Http2GoAway.start(this.tomcat.getServer().getUtilityExecutor(), protocols);
	}

	@Override
	public int openConnections() {
		return protocols().stream().mapToInt(GracefulNioProtocol::getOpenConnections).sum();
	}

	@Override
	public Optional<PrivateChannel> openPrivateChannel() throws IOException {
		return Optional.of(TomcatPrivateChannel.open(this.tomcat.getService()));
	}

	@Override
	public int closeWebSockets(int status, String reason) {
		int closed = 0;
		for (Object container : webSocketContainers()) {
			closed += WebSocketSessions.closeAll(container, status, reason);
		}
		return closed;
	}

	@Override
	public int webSockets() {
		int open = 0;
		for (Object container : webSocketContainers()) {
			open += WebSocketSessions.open(container).size();
		}
		return open;
	}

	/**
	 * The Jakarta WebSocket containers of this Tomcat's contexts (servlet or reactive).
	 */
	private List<Object> webSocketContainers() {
		List<Object> containers = new ArrayList<>();
		if (!JAKARTA_WEBSOCKET) {
			return containers;
		}
		for (Service service : this.tomcat.getServer().findServices()) {
			for (Container host : service.getContainer().findChildren()) {
				for (Container child : host.findChildren()) {
					Object container = (child instanceof Context context && context.getServletContext() != null)
							? context.getServletContext().getAttribute(SERVER_CONTAINER) : null;
					if (container != null) {
						containers.add(container);
					}
				}
			}
		}
		return containers;
	}

	private static boolean isPresent(String className) {
		try {
			Class.forName(className, false, TomcatRestartableServer.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	private List<GracefulNioProtocol> protocols() {
		List<GracefulNioProtocol> protocols = new ArrayList<>();
		for (Service service : this.tomcat.getServer().findServices()) {
			for (Connector connector : service.findConnectors()) {
				if (connector.getProtocolHandler() instanceof GracefulNioProtocol protocol) {
					protocols.add(protocol);
				}
			}
		}
		return protocols;
	}

}
