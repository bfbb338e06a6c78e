package io.github.gracefulrestart.jetty;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JettyPrivateChannel} on a real Jetty server.
 */
class JettyPrivateChannelTests {

	@Test
	void requestsReachTheHandlersInMemoryAndCloseRemovesTheConnector() throws Exception {
		Server server = new Server();
		ServerConnector connector = new ServerConnector(server);
		connector.setHost("127.0.0.1");
		connector.setPort(0);
		server.addConnector(connector);
		server.setHandler(new Handler.Abstract() {
			@Override
			public boolean handle(Request request, Response response, Callback callback) {
				response.setStatus(request.getHttpURI().getPath().equals("/hello") ? 200 : 404);
				callback.succeeded();
				return true;
			}
		});
		server.start();
		try {
			try (JettyPrivateChannel channel = JettyPrivateChannel.open(server)) {
				assertThat(channel.get("/hello")).isEqualTo(200);
				assertThat(channel.get("/missing")).isEqualTo(404);
				assertThat(server.getConnectors()).hasSize(2);
			}
			assertThat(server.getConnectors()).containsExactly(connector);
		}
		finally {
			server.stop();
		}
	}

}
