package io.github.gracefulrestart.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Locale;

import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.handover.RestartCoordinator;
import io.github.gracefulrestart.RestartListener;
import io.github.gracefulrestart.RestartState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Restart metrics for Micrometer:
 * <ul>
 * <li>{@code graceful.restart.generation} (gauge): the serving generation, 1 for the
 * first process.</li>
 * <li>{@code graceful.restart.state} (gauge, tag {@code state}): 1 for the state this
 * generation is in ({@code serving}, {@code restarting}, {@code draining}), 0 for the
 * others.</li>
 * <li>{@code graceful.restart.attempts} (counter, tags {@code result} and
 * {@code trigger}): restarts that failed or timed out, counted by the generation that
 * keeps serving, and the restart that started this generation ({@code result=succeeded}),
 * counted once it took over.</li>
 * <li>{@code graceful.restart.unhealthy} (counter, tag {@code indicator}): restarts that
 * failed because the new generation's health was not up, by each indicator that was not,
 * counted by the generation that keeps serving (without a supervisor).</li>
 * <li>{@code graceful.restart.drain.cut} (counter, tag {@code kind}): connections still
 * open at the drain timeout, closed with the generation ({@code http}, {@code websocket},
 * {@code event-stream}), counted by the generation that drains, which exits next.</li>
 * <li>{@code graceful.restart.duration} (timer): trigger to the previous generation no
 * longer accepting, for the restart that started this generation.</li>
 * <li>{@code graceful.restart.drain.duration} (timer): the previous generation's drain,
 * as it reported it before exiting.</li>
 * </ul>
 * Counters and timers live in one process: a generation starts them afresh, with the
 * restart that started it.
 */
public class GracefulRestartMetrics implements MeterBinder, RestartListener {

	private final RestartCoordinator coordinator;

	private volatile MeterRegistry registry;

	/**
	 * Create the metrics of {@code coordinator}.
	 * @param coordinator the restart coordinator
	 */
	public GracefulRestartMetrics(RestartCoordinator coordinator) {
		this.coordinator = coordinator;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		Gauge.builder("graceful.restart.generation", this.coordinator, RestartCoordinator::generation)
			.description("The serving generation, 1 for the first process")
			.register(registry);
		for (RestartState state : RestartState.values()) {
			Gauge
				.builder("graceful.restart.state", this.coordinator,
						(coordinator) -> (coordinator.state() == state) ? 1 : 0)
				.description("1 for the state this generation is in")
				.tag("state", lower(state))
				.register(registry);
		}
		this.coordinator.addListener(this);
	}

	@Override
	public void restartFailed(RestartAttempt attempt) {
		attempts(attempt).increment();
	}

	@Override
	public void drained(RestartAttempt attempt, Duration drain, Map<String, Integer> cut) {
		cut.forEach((kind, count) -> Counter.builder("graceful.restart.drain.cut")
			.description("Connections still open at the drain timeout, closed with the generation, by kind")
			.tag("kind", kind)
			.register(this.registry)
			.increment(count));
	}

	@Override
	public void unhealthy(RestartAttempt attempt, List<String> indicators) {
		for (String indicator : indicators) {
			Counter.builder("graceful.restart.unhealthy")
				.description("Restarts that failed because the new generation's health was not up, by indicator")
				.tag("indicator", indicator)
				.register(this.registry)
				.increment();
		}
	}

	@Override
	public void restartSucceeded(RestartAttempt attempt, Duration drain) {
		MeterRegistry registry = this.registry;
		attempts(attempt).increment();
		if (attempt.durationMs() != null) {
			Timer.builder("graceful.restart.duration")
				.description("Trigger to the previous generation no longer accepting")
				.register(registry)
				.record(Duration.ofMillis(attempt.durationMs()));
		}
		Timer.builder("graceful.restart.drain.duration")
			.description("The previous generation's drain")
			.register(registry)
			.record(drain);
	}

	private Counter attempts(RestartAttempt attempt) {
		return Counter.builder("graceful.restart.attempts")
			.description("Restarts by result and trigger")
			.tag("result", lower(attempt.result()))
			.tag("trigger", attempt.trigger().toLowerCase(Locale.ROOT))
			.register(this.registry);
	}

	private static String lower(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

}
