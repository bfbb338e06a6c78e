package io.github.gracefulrestart.websocket;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WebSocketSessions}: the sessions of containers shaped like Jetty's (a
 * public {@code getOpenSessions()}) and Tomcat's (a {@code sessions} map in a
 * superclass), closed with the status and reason asked for. The real containers are
 * closed by the integration tests.
 */
class WebSocketSessionsTests {

	private final List<String> closes = new ArrayList<>();

	@Test
	void closesTheOpenSessionsOfAContainerThatListsThem() {
		JettyLike container = new JettyLike(Set.of(session("a", true), session("b", false)));
		assertThat(WebSocketSessions.closeAll(container, 1012, "Service Restart")).isEqualTo(1);
		assertThat(this.closes).containsExactly("a 1012 Service Restart");
	}

	@Test
	void closesTheSessionsATomcatLikeContainerRegistered() {
		TomcatLike container = new TomcatLike();
		container.register(session("t1", true));
		container.register(session("t2", true));
		assertThat(WebSocketSessions.closeAll(container, 1001, "Going Away")).isEqualTo(2);
		assertThat(this.closes).containsExactlyInAnyOrder("t1 1001 Going Away", "t2 1001 Going Away");
	}

	@Test
	void noContainerOrAnUnknownOneHasNoSessions() {
		assertThat(WebSocketSessions.open(null)).isEmpty();
		assertThat(WebSocketSessions.open(new Object())).isEmpty();
	}

	private Session session(String id, boolean open) {
		return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Session.class },
				(proxy, method, args) -> switch (method.getName()) {
					case "getId" -> id;
					case "isOpen" -> open;
					case "close" -> {
						CloseReason reason = (CloseReason) args[0];
						this.closes.add(id + " " + reason.getCloseCode().getCode() + " " + reason.getReasonPhrase());
						yield null;
					}
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					default -> null;
				});
	}

	public static final class JettyLike {

		private final Set<Session> sessions;

		JettyLike(Set<Session> sessions) {
			this.sessions = sessions;
		}

		public Set<Session> getOpenSessions() {
			return this.sessions;
		}

	}

	static class ContainerBase {

		private final Map<Session, Session> sessions = new ConcurrentHashMap<>();

		void register(Session session) {
			this.sessions.put(session, session);
		}

	}

	static final class TomcatLike extends ContainerBase {

	}

}
