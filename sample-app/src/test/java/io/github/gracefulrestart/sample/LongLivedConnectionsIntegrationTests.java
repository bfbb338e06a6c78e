package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.gracefulrestart.sample.SampleApp.Server;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Once the new generation serves, the old one tells its long-lived connections to go the
 * way their protocols define, and leaves long before its drain timeout: WebSocket
 * sessions get a close frame 1012, server-sent event streams their terminating chunk,
 * HTTP/2 connections a GOAWAY. Real clients: the JDK's WebSocket client, a raw HTTP/1.1
 * stream reader, and an HTTP/2 client that follows RFC 9113 when a server goes away
 * ({@link H2Load}).
 */
class LongLivedConnectionsIntegrationTests {

	@TempDir
	Path workDir;

	@ParameterizedTest
	@EnumSource(value = Server.class, names = { "TOMCAT", "JETTY", "NETTY", "REACTIVE_TOMCAT", "REACTIVE_JETTY" })
	void webSocketsAndEventStreamsAreClosedCleanlyAndTheirClientsReconnectToTheNewGeneration(Server server)
			throws Exception {
		try (SampleApp app = SampleApp.start(server, this.workDir, List.of(), "--graceful-restart.drain-timeout=60s")) {
			long old = app.servingPid();
			Echo echo = Echo.connect(app.port());
			assertThat(echo.next()).isEqualTo("hello from version 1 pid " + old);
			echo.socket.sendText("before", true).get(30, TimeUnit.SECONDS);
			assertThat(echo.next()).isEqualTo("echo before");
			// An EventSource reconnects on its kept-alive connection: to the old
			// generation again.
			CompletableFuture<List<RawHttp.Response>> ticks = openTicksTwice(app);

			SampleApp.signal(old, "HUP");
			long serving = await("the new generation to serve").atMost(SampleApp.STARTUP)
				.pollInterval(Duration.ofMillis(100))
				.until(app::servingPid, (pid) -> pid != old);
			// 60 s of drain timeout: what ends within seconds was told to go.
			Echo.Closed closed = echo.closed.get(10, TimeUnit.SECONDS);
			assertThat(closed.status()).isEqualTo(1012);
			assertThat(closed.reason()).isEqualTo("Service Restart");
			List<RawHttp.Response> streams = ticks.get(10, TimeUnit.SECONDS);
			assertThat(streams.get(0).status()).isEqualTo(200);
			assertThat(streams.get(0).body()).as("a whole stream, ended by its terminating chunk")
				.startsWith("retry:100\ndata:version 1 pid " + old + "\n\n");
			// The reconnect on the same connection: an event stream ended as soon as it
			// started (an EventSource reconnects after it), and the connection closed, so
			// the next reconnect reaches the new generation.
			assertThat(streams.get(1).status()).isEqualTo(200);
			assertThat(streams.get(1).headers().get("Content-Type")).startsWith("text/event-stream");
			assertThat(streams.get(1).closes()).as("Connection: close").isTrue();
			await("the old generation to exit").atMost(Duration.ofSeconds(15)).until(() -> !SampleApp.isAlive(old));

			Echo again = Echo.connect(app.port());
			assertThat(again.next()).isEqualTo("hello from version 1 pid " + serving);
			again.socket.sendText("after", true).get(30, TimeUnit.SECONDS);
			assertThat(again.next()).isEqualTo("echo after");
			again.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(30, TimeUnit.SECONDS);
			assertThat(app.log())
				.containsPattern("closed 1 WebSocket session\\(s\\) \\(1012 Service Restart\\) and ended 1"
						+ " event stream\\(s\\)");
		}
	}

	@ParameterizedTest
	@EnumSource(value = Server.class, names = { "TOMCAT", "JETTY" })
	void aStreamingDownloadThatSpansARestartArrivesWholeAndTheOldGenerationLeavesWhenItEnds(Server server)
			throws Exception {
		try (SampleApp app = SampleApp.start(server, this.workDir, List.of(), "--graceful-restart.drain-timeout=60s")) {
			long old = app.servingPid();
			// The next generation waits 5 s before it is ready: the download starts on
			// this one meanwhile, and the takeover comes while it streams.
			app.writeConfig("sample:\n  startup-delay: 5s\n");
			SampleApp.signal(old, "HUP");
			await("the new generation to delay its start-up").atMost(SampleApp.STARTUP)
				.until(() -> app.log().contains("Delaying start-up"));
			CompletableFuture<RawHttp.Response> download = CompletableFuture.supplyAsync(() -> {
				try (RawHttp http = new RawHttp(app.port())) {
					return http.get("/download?seconds=15");
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
			await("the new generation to serve").atMost(SampleApp.STARTUP)
				.pollInterval(Duration.ofMillis(100))
				.until(app::servingPid, (pid) -> pid != old);
			assertThat(SampleApp.isAlive(old)).as("the old generation still streams").isTrue();
			RawHttp.Response whole = download.get(60, TimeUnit.SECONDS);
			assertThat(whole.status()).isEqualTo(200);
			assertThat(whole.headers()).containsEntry("X-Pid", String.valueOf(old));
			assertThat(whole.body()).hasSize(150 * 1024).matches("x+");
			await("the old generation to exit once the download ended").atMost(Duration.ofSeconds(5))
				.until(() -> !SampleApp.isAlive(old));
		}
	}

	@ParameterizedTest
	@EnumSource(value = Server.class, names = { "TOMCAT", "JETTY", "NETTY" })
	void http2ConnectionsUnderLoadAreToldToGoAndTheirRequestsReachTheNewGeneration(Server server) throws Exception {
		try (SampleApp app = SampleApp.start(server, this.workDir, List.of(), "--server.http2.enabled=true",
				"--graceful-restart.drain-timeout=60s");
				H2Load load = H2Load.start(app.port(), 8, 4, 10, Duration.ofMinutes(6))) {
			await("HTTP/2 requests to be answered").atMost(Duration.ofSeconds(30)).until(() -> load.ok() > 100);
			for (int restart = 1; restart <= 3; restart++) {
				long old = app.servingPid();
				SampleApp.signal(old, "HUP");
				await("the new generation to serve").atMost(SampleApp.STARTUP)
					.pollInterval(Duration.ofMillis(100))
					.until(app::servingPid, (pid) -> pid != old);
				// 60 s of drain timeout: an old generation that leaves within seconds had
				// its HTTP/2 connections closed by their clients after its GOAWAY.
				await("the old generation to exit").atMost(Duration.ofSeconds(15)).until(() -> !SampleApp.isAlive(old));
				long answered = load.ok();
				await("the load to go on").atMost(Duration.ofSeconds(30)).until(() -> load.ok() > answered + 100);
			}
			load.stop();
			assertThat(load.failures()).as("%s", load).isZero();
			assertThat(load.goAways()).as("one GOAWAY per connection and restart: %s", load)
				.isGreaterThanOrEqualTo(3 * 8);
			assertThat(load.pids()).as("%s", load).hasSize(4);
		}
	}

	/**
	 * An EventSource's way: open {@code /ticks}, and once it ended open it again on the
	 * same kept-alive connection; returns once the first stream is open.
	 */
	private static CompletableFuture<List<RawHttp.Response>> openTicksTwice(SampleApp app) {
		CompletableFuture<List<RawHttp.Response>> ticks = CompletableFuture.supplyAsync(() -> {
			try (RawHttp http = new RawHttp(app.port())) {
				RawHttp.Response first = http.get("/ticks");
				return List.of(first, http.get("/ticks"));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		await("the event stream to open").atMost(Duration.ofSeconds(30))
			.until(() -> app.log().contains("Tick stream opened"));
		return ticks;
	}

	/** A WebSocket client that keeps what it hears. */
	static final class Echo implements WebSocket.Listener {

		private final java.util.concurrent.BlockingQueue<String> messages = new java.util.concurrent.LinkedBlockingQueue<>();

		private final CompletableFuture<Closed> closed = new CompletableFuture<>();

		private final List<String> errors = new CopyOnWriteArrayList<>();

		private WebSocket socket;

		private StringBuilder partial = new StringBuilder();

		static Echo connect(int port) throws Exception {
			Echo echo = new Echo();
			echo.socket = HttpClient.newHttpClient()
				.newWebSocketBuilder()
				.connectTimeout(Duration.ofSeconds(30))
				.buildAsync(URI.create("ws://127.0.0.1:" + port + "/echo"), echo)
				.get(30, TimeUnit.SECONDS);
			return echo;
		}

		String next() throws InterruptedException {
			String message = this.messages.poll(30, TimeUnit.SECONDS);
			assertThat(message).as("a message within 30 s; errors %s", this.errors).isNotNull();
			return message;
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				this.messages.add(this.partial.toString());
				this.partial = new StringBuilder();
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.closed.complete(new Closed(statusCode, reason));
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.errors.add(error.toString());
			this.closed.completeExceptionally(error);
		}

		record Closed(int status, String reason) {

		}

	}

}
