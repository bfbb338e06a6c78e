package io.github.gracefulrestart.handover;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.gracefulrestart.FakeServer;
import io.github.gracefulrestart.GenerationWork;
import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartListener;
import io.github.gracefulrestart.RestartListeners;
import io.github.gracefulrestart.RestartResult;
import io.github.gracefulrestart.RestartSettings;
import io.github.gracefulrestart.process.FakeOs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A generation that handed over: it stops accepting, stops its background work and says
 * so at once, waits for its connections, reports the drain and closes, and halts when
 * closing hangs.
 */
class RetirementTests {

	private static final RestartSettings SETTINGS = new RestartSettings(Duration.ofMinutes(1), Duration.ofSeconds(30),
			Duration.ofSeconds(5));

	private final FakeOs os = new FakeOs(4000);

	private final FakeServer server = new FakeServer();

	private final RestartAttempt succeeded = new RestartAttempt("r1", "SIGHUP", RestartResult.SUCCEEDED, Instant.now(),
			9L, 4000, 5000, "generation 2 (pid 5000) took over");

	private final List<String> heard = new CopyOnWriteArrayList<>();

	private final CountDownLatch hang = new CountDownLatch(1);

	@AfterEach
	void release() {
		this.hang.countDown();
	}

	@Test
	void itStopsAcceptingAndItsWorkWaitsForTheOpenConnectionsThenReportsTheDrainAndCloses() throws Exception {
		CompletableFuture<Long> reported = new CompletableFuture<>();
		CompletableFuture<RestartAttempt> closed = new CompletableFuture<>();
		this.server.holding(2);
		Thread retiring = new Thread(() -> retirement(closed::complete, Duration.ofMinutes(1)).run(this.succeeded,
				List.of(this.server), () -> this.heard.add("reported work stopped"), reported::complete));
		retiring.start();

		await().atMost(Duration.ofSeconds(10)).until(() -> this.heard.contains("handedOver r1"));
		assertThat(this.server.stoppedAccepting).isTrue();
		assertThat(this.heard).as("the work stops before the drain, not after it")
			.containsExactly("work stopped", "reported work stopped", "handedOver r1");
		await("no report while connections are open").during(Duration.ofMillis(200))
			.atMost(Duration.ofSeconds(2))
			.until(() -> !reported.isDone());
		this.server.holding(0);

		assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(this.succeeded);
		assertThat(reported.get()).isGreaterThanOrEqualTo(200);
		assertThat(this.heard).containsExactly("work stopped", "reported work stopped", "handedOver r1",
				"drained r1 {}");
		assertThat(this.os.halted()).isNotDone();
		retiring.join(10_000);
	}

	@Test
	void whenTheOtherEndIsGoneTheGenerationStillCloses() throws Exception {
		CompletableFuture<RestartAttempt> closed = new CompletableFuture<>();

		retirement(closed::complete, Duration.ofMinutes(1)).run(this.succeeded, List.of(this.server), () -> {
		}, (drainMs) -> false);

		assertThat(closed).isCompletedWithValue(this.succeeded);
	}

	@Test
	void workThatFailsToStopIsNamedAndTheRetirementGoesOn() throws Exception {
		CompletableFuture<RestartAttempt> closed = new CompletableFuture<>();
		GenerationWork failing = new GenerationWork() {

			@Override
			public List<String> stop() {
				throw new IllegalStateException("broken container");
			}

			@Override
			public void start() {
			}

		};
		new Retirement(SETTINGS, this.os, new GenerationServers(() -> List.of(this.server), Handoff.none()),
				new RestartListeners(), 1, closed::complete, Duration.ofMinutes(1), failing)
			.run(this.succeeded, List.of(this.server), () -> this.heard.add("reported work stopped"),
					(drainMs) -> true);

		assertThat(this.heard).containsExactly("reported work stopped");
		assertThat(closed).isCompletedWithValue(this.succeeded);
	}

	@Test
	void aDrainStartedListenerThatHangsPastTheLimitHaltsTheGenerationToo() throws Exception {
		RestartListeners listeners = new RestartListeners();
		listeners.add(new RestartListener() {

			@Override
			public void handedOver(RestartAttempt attempt) {
				try {
					RetirementTests.this.hang.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}

		});
		Thread retiring = new Thread(() -> new Retirement(SETTINGS, this.os,
				new GenerationServers(() -> List.of(this.server), Handoff.none()), listeners, 1, (attempt) -> {
				}, Duration.ofMillis(300), GenerationWork.NONE)
			.run(this.succeeded, List.of(this.server), () -> {
			}, (drainMs) -> true));
		retiring.setDaemon(true);
		retiring.start();

		assertThat(this.os.halted().get(10, TimeUnit.SECONDS)).isEqualTo(1);
	}

	@Test
	void aCloseThatHangsPastTheLimitHaltsTheGeneration() throws Exception {
		Thread retiring = new Thread(() -> retirement((attempt) -> {
			try {
				this.hang.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, Duration.ofMillis(300)).run(this.succeeded, List.of(this.server), () -> {
		}, (drainMs) -> true));
		retiring.setDaemon(true);
		retiring.start();

		assertThat(this.os.halted().get(10, TimeUnit.SECONDS)).isEqualTo(1);
		assertThat(retiring.isAlive()).as("the close still hangs").isTrue();
	}

	private Retirement retirement(Consumer<RestartAttempt> close, Duration closeLimit) {
		RestartListeners listeners = new RestartListeners();
		listeners.add(new RestartListener() {

			@Override
			public void handedOver(RestartAttempt attempt) {
				RetirementTests.this.heard.add("handedOver " + attempt.id());
			}

			@Override
			public void drained(RestartAttempt attempt, Duration drain, Map<String, Integer> cut) {
				RetirementTests.this.heard.add("drained " + attempt.id() + " " + cut);
			}

		});
		return new Retirement(SETTINGS, this.os, new GenerationServers(() -> List.of(this.server), Handoff.none()),
				listeners, 1, close, closeLimit, new GenerationWork() {

					@Override
					public List<String> stop() {
						RetirementTests.this.heard.add("work stopped");
						return List.of();
					}

					@Override
					public void start() {
					}

				});
	}

}
