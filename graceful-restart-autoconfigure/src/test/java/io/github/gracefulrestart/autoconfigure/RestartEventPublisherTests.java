package io.github.gracefulrestart.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.github.gracefulrestart.FakeServer;
import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartResult;
import io.github.gracefulrestart.autoconfigure.event.GracefulRestartEvent;
import io.github.gracefulrestart.handover.TestGenerations;
import io.github.gracefulrestart.process.FakeOs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link RestartEventPublisher}: an application's {@code @EventListener} that
 * throws on any of the library's events changes nothing of the restart, and the log names
 * it.
 */
@ExtendWith(OutputCaptureExtension.class)
class RestartEventPublisherTests {

	@Test
	void aListenerThatThrowsOnEachEventIsNamedAndTheRestartGoesOn(CapturedOutput output) {
		FakeOs os = new FakeOs(4200);
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(ThrowingListener.class);
		RestartEventPublisher publisher = new RestartEventPublisher(
				TestGenerations.secondGeneration(os, os.peer(), new FakeServer()), context);
		RestartAttempt attempt = new RestartAttempt("1", "SIGHUP", RestartResult.IN_PROGRESS, Instant.now(), null, 4200,
				null, null);
		assertThatNoException().isThrownBy(() -> {
			publisher.restartStarted(attempt);
			publisher.ready(2, false);
			publisher.handedOver(attempt);
			publisher.drained(attempt, Duration.ZERO, Map.of());
			publisher.restartFailed(attempt);
		});
		context.close();
		for (String event : new String[] { "RestartStartedEvent", "TakeoverEvent", "DrainStartedEvent", "DrainedEvent",
				"RestartFailedEvent" }) {
			assertThat(output).contains("A listener of " + event + " failed (at " + ThrowingListener.class.getName()
					+ ".on); the restart goes on");
		}
	}

	static class ThrowingListener {

		@EventListener
		void on(GracefulRestartEvent event) {
			throw new IllegalStateException("a bug in the application's listener of " + event);
		}

	}

}
