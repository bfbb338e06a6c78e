package io.github.gracefulrestart.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.gracefulrestart.FakeServer;
import io.github.gracefulrestart.autoconfigure.event.GenerationReadyEvent;
import io.github.gracefulrestart.handover.RestartCoordinator;
import io.github.gracefulrestart.handover.TestGenerations;
import io.github.gracefulrestart.process.FakeOs;
import org.junit.jupiter.api.Test;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GracefulRestartTriggers}: the application's code on the way to a
 * takeover neither stalls nor breaks it.
 */
class GracefulRestartTriggersTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final FakeOs os = new FakeOs(4100);

	private final FakeOs.Peer parent = this.os.peer();

	@Test
	void aGenerationReadyListenerThatThrowsChangesNothingTheGenerationTakesOver() {
		FakeServer server = new FakeServer();
		CompletableFuture<Void> failed = new CompletableFuture<>();
		ApplicationEventPublisher throwing = (event) -> {
			if (event instanceof GenerationReadyEvent) {
				throw new IllegalStateException("listener bug");
			}
		};
		takeOver(server, throwing, failed);
		assertThat(this.parent.other().hear(WAIT)).isEqualTo("READY");
		assertThat(failed).isNotDone();
	}

	@Test
	void aServerThatCannotStartAcceptingEndsTheGenerationAtOnceSayingWhy() throws Exception {
		FakeServer server = new FakeServer() {

			@Override
			public void startAccepting() {
				throw new IllegalStateException("no selector");
			}

		};
		CompletableFuture<Void> failed = new CompletableFuture<>();
		takeOver(server, (event) -> {
		}, failed);
		failed.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
		assertThat(this.parent.other().hear(WAIT)).startsWith("NOTREADY - its takeover failed:")
			.contains("no selector");
	}

	private void takeOver(FakeServer server, ApplicationEventPublisher events, CompletableFuture<Void> failed) {
		RestartCoordinator coordinator = TestGenerations.secondGeneration(this.os, this.parent, server);
		GracefulRestartTriggers triggers = new GracefulRestartTriggers(coordinator, "HUP",
				new GracefulRestartTriggers.Takeover(null, null, () -> List.of(server), null, events,
						() -> failed.complete(null)));
		triggers.onApplicationEvent(new AvailabilityChangeEvent<>(this, ReadinessState.ACCEPTING_TRAFFIC));
	}

}
