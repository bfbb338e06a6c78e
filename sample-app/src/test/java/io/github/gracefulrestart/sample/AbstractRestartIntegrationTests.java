package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The core guarantees, the same on every server: restarts the sample app jar as a real
 * process, with real signals and real clients on 127.0.0.1.
 */
abstract class AbstractRestartIntegrationTests {

	@TempDir
	Path workDir;

	abstract SampleApp.Server server();

	private SampleApp start() throws IOException {
		return SampleApp.start(server(), this.workDir, java.util.List.of());
	}

	@Test
	void slowRequestAndSlowUploadInFlightCompleteOnTheOldGenerationAndTheNewJarAnswersAfterTheRestart()
			throws Exception {
		try (SampleApp app = start(); RawHttp upload = app.client()) {
			long oldPid = app.servingPid();
			assertThat(app.get("/hello").body()).contains("version 1");
			// In flight when the restart starts. The upload, held half-sent until the new
			// generation answers, keeps the old generation draining until then, however
			// long the start takes.
			CompletableFuture<RawHttp.Response> slow = CompletableFuture.supplyAsync(() -> get(app, "/sleep?ms=12000"));
			await().atMost(Duration.ofSeconds(30)).until(() -> app.log().contains("Holding a request for"));
			byte[] body = new byte[16 * 1024 * 1024];
			new Random(42).nextBytes(body);
			int half = body.length / 2;
			OutputStream out = upload.open();
			out.write(("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
					+ "Content-Length: " + body.length + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			writeSlowly(out, body, 0, half);
			app.deployVersion("2");
			SampleApp.signal(oldPid, "HUP");
			await().atMost(SampleApp.STARTUP).until(() -> app.get("/hello").body().contains("version 2"));
			assertThat(SampleApp.isAlive(oldPid)).as("old generation drains its requests in flight").isTrue();
			// The second half goes to a generation that no longer accepts: its connection
			// stays.
			writeSlowly(out, body, half, body.length);
			RawHttp.Response uploaded = upload.readResponse();
			assertThat(uploaded.status()).isEqualTo(200);
			assertThat(uploaded.body()).contains("Received " + body.length + " bytes sha256 " + sha256(body))
				.contains("pid " + oldPid);
			assertThat(uploaded.closes()).as("answered during the drain, its connection closes: %s", uploaded.headers())
				.isTrue();
			RawHttp.Response response = slow.get(60, TimeUnit.SECONDS);
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.body()).contains("version 1 pid " + oldPid);
			long newPid = app.awaitTakeover(oldPid);
			assertThat(app.get("/hello").body()).isEqualTo("Hello from version 2 pid " + newPid + "\n");
		}
	}

	@Test
	void tenRestartsUnderKeepAliveAndNewConnectionLoadGiveNoFailedRequest() throws Exception {
		try (SampleApp app = start()) {
			long pid = app.servingPid();
			try (HttpLoad load = HttpLoad.start(app.port(), 32, 10, Duration.ofMinutes(12));
					HttpLoad management = HttpLoad.start(app.managementPort(), "/actuator/health", 2, 10,
							Duration.ofMinutes(12))) {
				for (int restart = 1; restart <= 10; restart++) {
					if (restart % 2 == 1) {
						SampleApp.signal(pid, "HUP");
					}
					else {
						RawHttp.Response accepted = app.management("POST", "/actuator/gracefulrestart");
						assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
					}
					pid = app.awaitTakeover(pid);
				}
				load.stop();
				management.stop();
				assertThat(load.failures()).as("%s", load).isZero();
				assertThat(load.ok()).isPositive();
				assertThat(load.pids()).hasSize(11);
				assertThat(management.failures()).as("management port: %s", management).isZero();
				assertThat(management.ok()).isPositive();
				// Each old generation drained, then Spring Boot's graceful shutdown found
				// nothing to wait for, and said so: no alarming line, no shutdown phase
				// waited out.
				assertThat(app.log()).doesNotContain("Graceful shutdown aborted")
					.doesNotContain("still running after timeout")
					.contains("Graceful shutdown complete");
			}
		}
	}

	@Test
	void sigtermDuringASlowRequestCompletesItAndExits() throws Exception {
		try (SampleApp app = start()) {
			long pid = app.servingPid();
			CompletableFuture<RawHttp.Response> slow = CompletableFuture.supplyAsync(() -> get(app, "/sleep?ms=3000"));
			await().atMost(Duration.ofSeconds(30)).until(() -> app.log().contains("Holding a request for"));
			SampleApp.signal(pid, "TERM");
			RawHttp.Response response = slow.get(60, TimeUnit.SECONDS);
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.body()).contains("pid " + pid);
			assertThat(app.exitCodeOfFirst(Duration.ofSeconds(60))).as(app.log()).isPresent();
			assertThat(app.pids()).isEmpty();
			assertThat(app.log()).doesNotContain("Restart").contains(server().serverName() + " started on port");
		}
	}

	private static void writeSlowly(OutputStream out, byte[] body, int from, int to) throws IOException {
		int chunk = 256 * 1024;
		for (int at = from; at < to; at += chunk) {
			out.write(body, at, Math.min(chunk, to - at));
			out.flush();
			// Pacing a client's upload, not waiting for a condition.
			java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
		}
	}

	private static String sha256(byte[] bytes) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
	}

	private static RawHttp.Response get(SampleApp app, String path) {
		try {
			return app.get(path);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
