package io.github.gracefulrestart.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.gracefulrestart.FakeServer;
import io.github.gracefulrestart.RestartableServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the drained web servers end before the context closes: an idle one is left to
 * Spring Boot's graceful shutdown (stopping it first makes Boot 4.0.x log that requests
 * were still active), one the drain timeout cut is ended by its support.
 */
class RunningWebServersTests {

	private final List<String> calls = new ArrayList<>();

	@Test
	void aServerTheDrainLeftIdleIsLeftToSpringBootsGracefulShutdown() {
		RunningWebServers servers = servers(new Server("main", 0));

		servers.stopAll();

		assertThat(this.calls).isEmpty();
	}

	@Test
	void aServerWithConnectionsTheDrainTimeoutCutIsEndedByItsSupport() {
		RunningWebServers servers = servers(new Server("main", 0), new Server("management", 2));

		servers.stopAll();

		assertThat(this.calls).containsExactly("endDrained management");
	}

	@Test
	void aServerNoSupportAdaptsIsStopped() {
		RunningWebServers servers = new RunningWebServers(List.of((webServer) -> Optional.empty()));
		Server server = new Server("other", 0);
		servers.onApplicationEvent(initialized(server));

		servers.stopAll();

		assertThat(this.calls).containsExactly("stop other");
	}

	private RunningWebServers servers(Server... webServers) {
		WebServerRestartSupport support = new WebServerRestartSupport() {

			@Override
			public Optional<RestartableServer> adapt(WebServer webServer) {
				return (webServer instanceof Server server) ? Optional.of(server.restartable()) : Optional.empty();
			}

			@Override
			public void endDrained(WebServer webServer) {
				RunningWebServersTests.this.calls.add("endDrained " + ((Server) webServer).name);
			}

		};
		RunningWebServers servers = new RunningWebServers(List.of(support));
		for (Server server : webServers) {
			servers.onApplicationEvent(initialized(server));
		}
		return servers;
	}

	private static WebServerInitializedEvent initialized(WebServer server) {
		return new WebServerInitializedEvent(server) {

			@Override
			public WebServerApplicationContext getApplicationContext() {
				return null;
			}

		};
	}

	private final class Server implements WebServer {

		private final String name;

		private final int connections;

		Server(String name, int connections) {
			this.name = name;
			this.connections = connections;
		}

		RestartableServer restartable() {
			return new FakeServer().holding(this.connections);
		}

		@Override
		public void start() {
		}

		@Override
		public void stop() {
			RunningWebServersTests.this.calls.add("stop " + this.name);
		}

		@Override
		public int getPort() {
			return 0;
		}

	}

}
