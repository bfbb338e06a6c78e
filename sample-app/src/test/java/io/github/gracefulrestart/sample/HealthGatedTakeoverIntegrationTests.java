package io.github.gracefulrestart.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A new generation takes over only once its readiness health group is up and its warm-up
 * saw no server errors; the application takes part through Spring events. Real processes
 * under load.
 */
class HealthGatedTakeoverIntegrationTests {

	@TempDir
	Path workDir;

	@Test
	void aNewGenerationWhoseReadinessGroupIsDownNeverServesAndWaitsUntilItIsUp() throws Exception {
		Path backend = this.workDir.resolve("backend-status");
		try (SampleApp app = SampleApp.start(this.workDir, "--graceful-restart.startup-timeout=90s",
				"--sample.backend-status-file=" + backend);
				HttpLoad load = HttpLoad.start(app.port(), 4, 20, Duration.ofMinutes(10))) {
			long pid = app.servingPid();
			// The backend is down: the next generation boots, is not healthy, and is
			// stopped at its start-up timeout.
			Files.writeString(backend, "DOWN\n");
			SampleApp.signal(pid, "HUP");
			String status = await().atMost(SampleApp.STARTUP.plusSeconds(90))
				.until(app::status, (json) -> "TIMED_OUT".equals(SampleApp.json(json, "$.lastRestart.result")));
			int unhealthy = JsonPath.read(status, "$.lastRestart.newPid");
			// Spring Boot's show-details is 'never' here: the status tells no more than
			// the health endpoint.
			assertThat((String) JsonPath.read(status, "$.lastRestart.message")).endsWith(
					"was not ready within PT1M30S, stopped it; it reported: health group 'readiness' is DOWN: backend DOWN")
				.doesNotContain(backend.toString());
			assertThat((String) JsonPath.read(status, "$.state")).isEqualTo("SERVING");
			assertThat(Path.of("/proc/" + unhealthy)).as("stopped and reaped").doesNotExist();
			assertThat(app.pids()).containsExactly(pid);
			String counted = app.management("GET", "/actuator/metrics/graceful.restart.unhealthy?tag=indicator:backend")
				.body();
			assertThat((Double) JsonPath.read(counted, "$.measurements[0].value")).isEqualTo(1.0);

			// Down again: the next generation waits, and takes over as soon as the
			// backend is up.
			SampleApp.signal(pid, "HUP");
			await("the new generation to report its backend down").atMost(SampleApp.STARTUP)
				.until(() -> app.log()
					.lines()
					.anyMatch((line) -> line.contains(" is not ready: health group 'readiness' is DOWN")
							&& line.contains(" " + pid + " --- ")));
			Files.writeString(backend, "UP\n");
			long next = app.awaitTakeover(pid);
			assertThat(app.get("/hello").body()).isEqualTo("Hello from version 1 pid " + next + "\n");
			load.stop();
			assertThat(load.failures()).as("%s", load).isZero();
			assertThat(load.pids()).as("generations that answered clients").doesNotContain(String.valueOf(unhealthy));
		}
	}

	@Test
	void aWarmUpThatSeesServerErrorsFailsTheRestartAndTheDrainEventEndsTheAppsOwnStreams() throws Exception {
		try (SampleApp app = SampleApp.start(this.workDir);
				HttpLoad load = HttpLoad.start(app.port(), 4, 20, Duration.ofMinutes(10))) {
			long pid = app.servingPid();
			// A version whose /hello answers 500: its warm-up fails, it never takes over.
			app.writeConfig("sample:\n  hello-status: 500\n");
			SampleApp.signal(pid, "HUP");
			String status = await().atMost(SampleApp.STARTUP)
				.until(app::status, (json) -> "FAILED".equals(SampleApp.json(json, "$.lastRestart.result")));
			assertThat((String) JsonPath.read(status, "$.lastRestart.message")).contains("ended before it was ready",
					"it reported: warm-up failed (", "requests failed, more than 10%)", "GET /hello answered 500");
			assertThat(app.pids()).containsExactly(pid);

			// A client of the application's own long-lived stream, then a good version:
			// the application's listener of the drain event ends the stream cleanly
			// before the drain waits for it, so the old generation leaves without waiting
			// for the drain timeout.
			app.deleteConfig();
			CompletableFuture<RawHttp.Response> news = CompletableFuture.supplyAsync(() -> {
				try (RawHttp http = new RawHttp(app.port())) {
					return http.get("/news");
				}
				catch (java.io.IOException ex) {
					throw new java.io.UncheckedIOException(ex);
				}
			});
			await("the news stream to open").atMost(Duration.ofSeconds(30))
				.until(() -> app.log().contains("News stream opened"));
			SampleApp.signal(pid, "HUP");
			long next = app.awaitTakeover(pid);
			RawHttp.Response ended = news.get(60, TimeUnit.SECONDS);
			assertThat(ended.status()).isEqualTo(200);
			assertThat(ended.body()).as("a whole stream, ended by its terminating chunk")
				.startsWith("retry:100\ndata:version 1 pid " + pid + "\n\n");
			await("the old generation to exit").atMost(Duration.ofSeconds(60)).until(() -> !SampleApp.isAlive(pid));
			assertThat(app.log()).contains("Generation 1 hands over: ending 1 news stream(s)")
				.containsPattern("Restart [-0-9a-f]+: drained in \\d+ ms; closing generation 1")
				.doesNotContain("still open after");
			assertThat(app.get("/hello").body()).isEqualTo("Hello from version 1 pid " + next + "\n");
			load.stop();
			assertThat(load.failures()).as("%s", load).isZero();
		}
	}

}
