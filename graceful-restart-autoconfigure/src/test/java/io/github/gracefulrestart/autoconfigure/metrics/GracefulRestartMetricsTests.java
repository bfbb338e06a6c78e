package io.github.gracefulrestart.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;

import io.github.gracefulrestart.handover.Handoff;
import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.handover.RestartCoordinator;
import io.github.gracefulrestart.RestartResult;
import io.github.gracefulrestart.RestartSettings;
import io.github.gracefulrestart.process.ChildCommandLine;
import io.github.gracefulrestart.process.JnrNativeOs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link GracefulRestartMetrics}: a real coordinator, a restart that really
 * fails.
 */
class GracefulRestartMetricsTests {

	@Test
	void generationStateAndAFailedAttemptAreMeasured() {
		RestartCoordinator coordinator = new RestartCoordinator(
				new RestartSettings(Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(1)),
				JnrNativeOs.load(), Handoff.none(), List::of,
				() -> new ChildCommandLine("/bin/sh", List.of("-c", "exit 2")), (attempt) -> {
				});
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new GracefulRestartMetrics(coordinator).bindTo(registry);
		coordinator.ready();
		assertThat(registry.get("graceful.restart.generation").gauge().value()).isEqualTo(1);
		assertThat(registry.get("graceful.restart.state").tag("state", "serving").gauge().value()).isEqualTo(1);
		coordinator.requestRestart("SIGHUP");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> registry.find("graceful.restart.attempts").tag("result", "failed").counter() != null);
		assertThat(registry.get("graceful.restart.attempts")
			.tag("result", "failed")
			.tag("trigger", "sighup")
			.counter()
			.count()).isEqualTo(1);
	}

	@Test
	void theRestartThatStartedThisGenerationIsMeasuredWithItsDrain() {
		RestartCoordinator coordinator = new RestartCoordinator(
				new RestartSettings(Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(1)),
				JnrNativeOs.load(), Handoff.none(), List::of, () -> null, (attempt) -> {
				});
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		GracefulRestartMetrics metrics = new GracefulRestartMetrics(coordinator);
		metrics.bindTo(registry);
		metrics.restartSucceeded(new RestartAttempt("r", "ENDPOINT", RestartResult.SUCCEEDED, java.time.Instant.now(),
				4210L, 1, 2, "took over"), Duration.ofMillis(35));
		assertThat(registry.get("graceful.restart.attempts")
			.tag("result", "succeeded")
			.tag("trigger", "endpoint")
			.counter()
			.count()).isEqualTo(1);
		assertThat(
				registry.get("graceful.restart.duration").timer().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
			.isEqualTo(4210);
		assertThat(registry.get("graceful.restart.drain.duration")
			.timer()
			.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(35);
	}

}
