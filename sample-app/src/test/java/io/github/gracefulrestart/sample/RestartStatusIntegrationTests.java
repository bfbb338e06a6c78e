package io.github.gracefulrestart.sample;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The restart state and history as an operator sees them, through Actuator on the
 * management port, across real generations.
 */
class RestartStatusIntegrationTests {

	@TempDir
	Path workDir;

	@Test
	void statusAndMetricsFollowTheGenerationsAndKeepTheHistory() throws Exception {
		try (SampleApp app = SampleApp.start(this.workDir)) {
			long first = app.servingPid();
			String initial = app.status();
			assertThat((Integer) JsonPath.read(initial, "$.generation")).isEqualTo(1);
			assertThat((String) JsonPath.read(initial, "$.server")).isEqualTo("tomcat");
			assertThat((List<String>) JsonPath.read(initial, "$.listeners[*].name")).containsExactly("server",
					"management");
			assertThat((String) JsonPath.read(initial, "$.listeners[1].address"))
				.isEqualTo("127.0.0.1:" + app.managementPort());

			SampleApp.signal(first, "HUP");
			long second = app.awaitTakeover(first);
			String afterHup = awaitHistory(app, 1);
			assertThat((Integer) JsonPath.read(afterHup, "$.generation")).isEqualTo(2);
			assertThat((Integer) JsonPath.read(afterHup, "$.pid")).isEqualTo((int) second);
			assertThat((Map<String, Object>) JsonPath.read(afterHup, "$")).as("absent values are left out")
				.doesNotContainKeys("parentPid", "supervisorPid");
			assertThat((List<Boolean>) JsonPath.read(afterHup, "$.listeners[*].inherited")).containsExactly(true, true);
			Map<String, Object> lastRestart = JsonPath.read(afterHup, "$.lastRestart");
			assertThat(lastRestart).containsEntry("result", "SUCCEEDED")
				.containsEntry("trigger", "SIGHUP")
				.containsEntry("oldPid", (int) first)
				.containsEntry("newPid", (int) second);
			// Durations as Spring Boot shows them: ISO-8601.
			assertThat(java.time.Duration.parse((String) lastRestart.get("duration"))).isPositive();
			assertThat(java.time.Duration.parse((String) JsonPath.read(afterHup, "$.warmup.duration"))).isPositive();

			RawHttp.Response accepted = app.management("POST", "/actuator/gracefulrestart");
			assertThat(accepted.status()).isEqualTo(202);
			assertThat((String) JsonPath.read(accepted.body(), "$.state")).isEqualTo("RESTARTING");
			String id = JsonPath.read(accepted.body(), "$.id");
			long third = app.awaitTakeover(second);
			String afterPost = awaitHistory(app, 2);
			assertThat((Integer) JsonPath.read(afterPost, "$.generation")).isEqualTo(3);
			assertThat((String) JsonPath.read(afterPost, "$.lastRestart.id")).isEqualTo(id);
			assertThat((String) JsonPath.read(afterPost, "$.lastRestart.trigger")).isEqualTo("ENDPOINT");
			assertThat((List<Integer>) JsonPath.read(afterPost, "$.history[*].newPid")).containsExactly((int) third,
					(int) second);

			String generation = app.management("GET", "/actuator/metrics/graceful.restart.generation").body();
			assertThat((Double) JsonPath.read(generation, "$.measurements[0].value")).isEqualTo(3.0);
			String attempts = app.management("GET", "/actuator/metrics/graceful.restart.attempts?tag=result:succeeded")
				.body();
			assertThat((Double) JsonPath.read(attempts, "$.measurements[0].value")).isEqualTo(1.0);
			String drain = app.management("GET", "/actuator/metrics/graceful.restart.drain.duration").body();
			assertThat((Double) JsonPath.read(drain, "$.measurements[0].value")).isEqualTo(1.0);
		}
	}

	@Test
	void badRequestsToTheEndpointGetAClientErrorAndRestartNothing() throws Exception {
		try (SampleApp app = SampleApp.start(this.workDir); RawHttp http = new RawHttp(app.managementPort())) {
			RawHttp.Response notJson = http.exchange("POST", "/actuator/gracefulrestart",
					"restart please".getBytes(java.nio.charset.StandardCharsets.UTF_8));
			assertThat(notJson.status()).isBetween(400, 499);
			RawHttp.Response wrongMethod = app.management("DELETE", "/actuator/gracefulrestart");
			assertThat(wrongMethod.status()).isBetween(400, 499);
			assertThat((Object) SampleApp.json(app.status(), "$.lastRestart")).isNull();
			assertThat(app.pids()).containsExactly(app.firstPid());
		}
	}

	private static String awaitHistory(SampleApp app, int size) {
		// The previous generation hands the history over once it drained.
		return await().atMost(SampleApp.STARTUP)
			.until(app::status, (status) -> ((List<?>) JsonPath.read(status, "$.history")).size() == size);
	}

}
