package io.github.gracefulrestart.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartListener;
import io.github.gracefulrestart.RestartableServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.Ordered;

/**
 * Tells each long-lived connection of a generation that hands over to go, the way its
 * protocol defines, once the generation stopped accepting and before its drain waits:
 * WebSocket sessions get a close frame ({@code 1012 Service Restart} by default),
 * server-sent event streams end with their terminating chunk. Their clients reconnect, to
 * the new generation, at once, instead of being cut at the drain timeout. Runs after the
 * application's own listeners of {@code DrainStartedEvent}, which may close theirs their
 * own way first.
 */
class LongLivedConnections implements RestartListener, Ordered, Supplier<Map<String, Integer>> {

	private static final Log logger = LogFactory.getLog(LongLivedConnections.class);

	private final OpenEventStreams eventStreams;

	private final GracefulRestartProperties.Drain settings;

	private final Supplier<List<RestartableServer>> servers;

	LongLivedConnections(Supplier<List<RestartableServer>> servers, OpenEventStreams eventStreams,
			GracefulRestartProperties.Drain settings) {
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
					+ this.settings.getWebSocketCloseStatus() + " " + this.settings.getWebSocketCloseReason()
					+ ") and ended " + streams + " event stream(s); their clients reconnect to the new generation");
		}
	}

	/**
	 * The sessions each server closes: Tomcat's through the Jakarta WebSocket container
	 * of its contexts, Jetty's and Netty's through their connections.
	 */
	private int closeWebSockets() {
		if (!this.settings.isCloseWebSockets()) {
			return 0;
		}
		int status = this.settings.getWebSocketCloseStatus();
		String reason = this.settings.getWebSocketCloseReason();
		int closed = 0;
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
		int webSockets = 0;
		for (RestartableServer server : this.servers.get()) {
			webSockets += server.webSockets();
		}
		int eventStreams = (this.eventStreams != null) ? this.eventStreams.open() : 0;
		return Map.of("websocket", webSockets, "event-stream", eventStreams);
	}

	@Override
	public int getOrder() {
		// After the event publisher and the application's listeners.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
