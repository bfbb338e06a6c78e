package io.github.gracefulrestart;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.gracefulrestart.HealthGate.Health;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HealthGate}: when a new generation may take over, and what it says
 * meanwhile.
 */
class HealthGateTests {

	private static final Health UP = new Health(true, List.of(), "health group 'readiness' is UP");

	private static final Health DB_DOWN = new Health(false, List.of("db"),
			"health group 'readiness' is DOWN: db DOWN {error=Connection refused}");

	private final List<String> reported = new ArrayList<>();

	@Test
	void takesOverAtOnceWhenUpAndSaysNothing() {
		assertThat(gate(UP).await(this::report, () -> false, () -> true)).isTrue();
		assertThat(this.reported).isEmpty();
	}

	@Test
	void waitsUntilUpTellingEachReasonThatLastsOnce() {
		Health starting = new Health(false, List.of("readinessState"), "health group 'readiness' is OUT_OF_SERVICE");
		assertThat(gate(starting, DB_DOWN, DB_DOWN, DB_DOWN, UP).await(this::report, () -> false, () -> true)).isTrue();
		assertThat(this.reported).as("the readiness state's moment out of service is not worth telling")
			.containsExactly("[db] health group 'readiness' is DOWN: db DOWN {error=Connection refused}");
	}

	@Test
	void aGenerationBeingStoppedNeverTakesOver() {
		AtomicInteger reads = new AtomicInteger();
		HealthGate gate = new HealthGate(() -> {
			reads.incrementAndGet();
			return DB_DOWN;
		}, Duration.ofMillis(1));
		assertThat(gate.await(this::report, () -> reads.get() >= 3, () -> true)).isFalse();
		assertThat(reads).hasValue(3);
	}

	@Test
	void takesOverUnhealthyWhenThePreviousGenerationIsGoneRatherThanLeaveNothingServing() {
		AtomicInteger reads = new AtomicInteger();
		HealthGate gate = new HealthGate(() -> {
			reads.incrementAndGet();
			return DB_DOWN;
		}, Duration.ofMillis(1));
		assertThat(gate.await(this::report, () -> false, () -> reads.get() < 3)).isTrue();
		assertThat(this.reported).hasSize(1);
	}

	@Test
	void aHealthThatCannotBeReadIsNotUp() {
		AtomicInteger reads = new AtomicInteger();
		HealthGate gate = new HealthGate(() -> {
			if (reads.incrementAndGet() <= 2) {
				throw new IllegalStateException("registry closed");
			}
			return UP;
		}, Duration.ofMillis(1));
		assertThat(gate.await(this::report, () -> false, () -> true)).isTrue();
		assertThat(this.reported).singleElement().asString().contains("registry closed");
	}

	private void report(List<String> indicators, String reason) {
		this.reported.add(indicators + " " + reason);
	}

	private static HealthGate gate(Health... healths) {
		Iterator<Health> reads = List.of(healths).iterator();
		return new HealthGate(reads::next, Duration.ofMillis(1));
	}

}
