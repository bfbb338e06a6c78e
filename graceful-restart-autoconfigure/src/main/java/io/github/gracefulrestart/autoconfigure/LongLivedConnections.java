package io.github.gracefulrestart.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartListener;
import io.github.gracefulrestart.RestartableServer;
import io.github.gracefulrestart.websocket.WebSocketSessions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

/**
 * Tells each long-lived connection of a generation that hands over to go, the way its protocol
 * defines, once the generation stopped accepting and before its drain waits: WebSocket sessions
 * get a close frame ({@code 1012 Service Restart} by default), server-sent event streams end with
 * their terminating chunk. Their clients reconnect, to the new generation, at once, instead of
 * being cut at the drain timeout. Runs after the application's own listeners of
 * {@code DrainStartedEvent}, which may close theirs their own way first.
 */
class LongLivedConnections implements RestartListener, Ordered, Supplier<Map<String, Integer>> {

	private static final Log logger = LogFactory.getLog(LongLivedConnections.class);

	/** The servlet context attribute of the Jakarta WebSocket server container. */
	static final String SERVER_CONTAINER = "jakarta.websocket.server.ServerContainer";

	private static final boolean JAKARTA_WEBSOCKET = ClassUtils.isPresent("jakarta.websocket.CloseReason",
			LongLivedConnections.class.getClassLoader());

	private final Supplier<Object> webSocketContainer;

	private final OpenEventStreams eventStreams;

	private final GracefulRestartProperties.Drain settings;

	private final Supplier<List<RestartableServer>> servers;

	LongLivedConnections(Supplier<Object> webSocketContainer, Supplier<List<RestartableServer>> servers,
			OpenEventStreams eventStreams, GracefulRestartProperties.Drain settings) {
		this.webSocketContainer = webSocketContainer;
		this.servers = servers;
		this.eventStreams = eventStreams;
		this.settings = settings;
	}

	@Override
	public void handedOver(RestartAttempt attempt) {
		int sessions = closeWebSockets();
		int streams = (this.settings.isEndEventStreams() && this.eventStreams != null) ? this.eventStreams.endAll() : 0;
		if (sessions > 0 || streams > 0) {
			logger.info("Restart " + attempt.id() + ": closed " + sessions + " WebSocket session(s) ("
					+ this.settings.getWebSocketCloseStatus() + " " + this.settings.getWebSocketCloseReason() + ") and ended "
					+ streams + " event stream(s); their clients reconnect to the new generation");
		}
	}

	/**
	 * The sessions the servlet context's Jakarta WebSocket container lists (Tomcat's), then those
	 * that only the servers know (Jetty's).
	 */
	private int closeWebSockets() {
		if (!this.settings.isCloseWebSockets()) {
			return 0;
		}
		int status = this.settings.getWebSocketCloseStatus();
		String reason = this.settings.getWebSocketCloseReason();
		Object container = jakartaContainer();
		int closed = (container != null) ? WebSocketSessions.closeAll(container, status, reason) : 0;
		for (RestartableServer server : this.servers.get()) {
			closed += server.closeWebSockets(status, reason);
		}
		return closed;
	}

	/**
	 * Return how many connections of each long-lived kind this generation holds.
	 * @return {@code websocket} and {@code event-stream} counts
	 */
	@Override
	public Map<String, Integer> get() {
		Object container = jakartaContainer();
		int webSockets = (container != null) ? WebSocketSessions.open(container).size() : 0;
		for (RestartableServer server : this.servers.get()) {
			webSockets += server.webSockets();
		}
		int eventStreams = (this.eventStreams != null) ? this.eventStreams.open() : 0;
		return Map.of("websocket", webSockets, "event-stream", eventStreams);
	}

	/**
	 * The servlet context's Jakarta WebSocket container, or null without one (then
	 * {@link WebSocketSessions}, which needs the Jakarta WebSocket API, is not touched).
	 */
	private Object jakartaContainer() {
		return JAKARTA_WEBSOCKET ? this.webSocketContainer.get() : null;
	}

	@Override
	public int getOrder() {
		// After the event publisher and the application's listeners.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
