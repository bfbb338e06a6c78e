package io.github.gracefulrestart.jetty;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.gracefulrestart.RestartableServer.PrivateChannel;
import org.eclipse.jetty.io.ConnectionStatistics;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JettyPrivateChannel} on a real Jetty server.
 */
class JettyPrivateChannelTests {

	@TempDir
	Path tmpDir;

	@Test
	void requestsGoThroughTheServersOwnConnectorOverAUnixSocketOnlyThisUserCanEnter() throws Exception {
		Server server = server();
		ServerConnector connector = new ServerConnector(server);
		connector.setHost("127.0.0.1");
		connector.setPort(0);
		// Holding back, as a new generation's connector does during its warm-up.
		connector.setAccepting(false);
		ConnectionStatistics statistics = new ConnectionStatistics();
		connector.addBean(statistics);
		server.addConnector(connector);
		server.start();
		try {
			Path directory;
			try (JettyPrivateChannel channel = JettyPrivateChannel.open(connector, this.tmpDir)) {
				assertThat(channel.get("/hello")).isEqualTo(200);
				assertThat(channel.get("/missing")).isEqualTo(404);
				try (var directories = Files.list(this.tmpDir)) {
					directory = directories.filter(Files::isDirectory).findFirst().orElseThrow();
				}
				assertThat(Files.getPosixFilePermissions(directory)).extracting(Object::toString)
					.containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE", "OWNER_EXECUTE");
			}
			assertThat(statistics.getConnectionsTotal()).as("connections of the server's own connector").isEqualTo(2);
			assertThat(server.getConnectors()).containsExactly(connector);
			assertThat(directory).doesNotExist();
		}
		finally {
			server.stop();
		}
	}

	@Test
	void aServerWithoutAServerConnectorIsWarmedUpInMemory() throws Exception {
		Server server = server();
		server.start();
		try {
			try (PrivateChannel channel = JettyPrivateChannel.open(server)) {
				assertThat(channel).isInstanceOf(JettyPrivateChannel.InMemory.class);
				assertThat(channel.get("/hello")).isEqualTo(200);
				assertThat(server.getConnectors()).hasSize(1);
			}
			assertThat(server.getConnectors()).isEmpty();
		}
		finally {
			server.stop();
		}
	}

	private static Server server() {
		Server server = new Server();
		server.setHandler(new Handler.Abstract() {
			@Override
			public boolean handle(Request request, Response response, Callback callback) {
				response.setStatus(request.getHttpURI().getPath().equals("/hello") ? 200 : 404);
				callback.succeeded();
				return true;
			}
		});
		return server;
	}

}
