package io.github.gracefulrestart.websocket;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The open WebSocket sessions of a Jakarta WebSocket server container, the one a servlet
 * container keeps in its servlet context
 * ({@code jakarta.websocket.server.ServerContainer}), which Spring's WebSocket support
 * and {@code @ServerEndpoint} classes both use. Jakarta WebSocket has no way to list a
 * container's sessions, so each container is asked its own way: one with a public
 * {@code getOpenSessions()} through it, Tomcat's through the sessions its container
 * registers (a field of {@code WsWebSocketContainer}, reached reflectively; Tomcat's
 * classes are in the application's class path, no JVM option needed). Jetty's lists none
 * of the sessions Spring upgrades: its server closes them itself
 * ({@code RestartableServer#closeWebSockets}).
 */
public final class WebSocketSessions {

	private static final Log logger = LogFactory.getLog(WebSocketSessions.class);

	private WebSocketSessions() {
	}

	/**
	 * Close every open session of a container, with a close frame sent after what is
	 * being written: the client hears the status and reason, and can reconnect.
	 * @param container the server container, or null
	 * @param status the close status, such as 1012 (Service Restart)
	 * @param reason the reason, at most 123 bytes in UTF-8
	 * @return how many sessions were closed
	 */
	public static int closeAll(Object container, int status, String reason) {
		return closeAll(container, new CloseReason(CloseReason.CloseCodes.getCloseCode(status), reason));
	}

	private static int closeAll(Object container, CloseReason reason) {
		int closed = 0;
		for (Session session : open(container)) {
			try {
				if (session.isOpen()) {
					session.close(reason);
					closed++;
				}
			}
			catch (IOException | RuntimeException ex) {
				logger.debug("Closing WebSocket session " + session.getId() + " failed", ex);
			}
		}
		return closed;
	}

	/**
	 * Return the open sessions of a container.
	 * @param container the server container, or null
	 * @return the sessions, none when the container is of a kind this does not know
	 */
	public static List<Session> open(Object container) {
		if (container == null) {
			return List.of();
		}
		try {
			Method open = container.getClass().getMethod("getOpenSessions");
			return sessionsIn((Collection<?>) open.invoke(container));
		}
		catch (NoSuchMethodException ex) {
			// Not Jetty's.
		}
		catch (ReflectiveOperationException | ClassCastException ex) {
			logger.debug("Cannot list the WebSocket sessions of " + container, ex);
			return List.of();
		}
		for (Class<?> type = container.getClass(); type != null; type = type.getSuperclass()) {
			try {
				Field sessions = type.getDeclaredField("sessions");
				sessions.setAccessible(true);
				if (sessions.get(container) instanceof Map<?, ?> registered) {
					return sessionsIn(registered.keySet());
				}
			}
			catch (NoSuchFieldException ex) {
				// Look in the superclass.
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				logger.debug("Cannot list the WebSocket sessions of " + container, ex);
				return List.of();
			}
		}
		return List.of();
	}

	private static List<Session> sessionsIn(Collection<?> candidates) {
		List<Session> sessions = new ArrayList<>();
		for (Object candidate : List.copyOf(candidates)) {
			if (candidate instanceof Session session) {
				sessions.add(session);
			}
		}
		return sessions;
	}

}
