package io.github.gracefulrestart.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartListener;
import io.github.gracefulrestart.autoconfigure.event.DrainStartedEvent;
import io.github.gracefulrestart.autoconfigure.event.DrainedEvent;
import io.github.gracefulrestart.autoconfigure.event.RestartFailedEvent;
import io.github.gracefulrestart.autoconfigure.event.RestartStartedEvent;
import io.github.gracefulrestart.autoconfigure.event.TakeoverEvent;
import io.github.gracefulrestart.handover.RestartCoordinator;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.Ordered;

/**
 * Publishes what the coordinator hears as Spring application events, for {@code @EventListener}
 * methods. {@code GenerationReadyEvent} comes from {@link GracefulRestartTriggers}.
 */
class RestartEventPublisher implements RestartListener, Ordered {

	private final RestartCoordinator coordinator;

	private final ApplicationEventPublisher publisher;

	RestartEventPublisher(RestartCoordinator coordinator, ApplicationEventPublisher publisher) {
		this.coordinator = coordinator;
		this.publisher = publisher;
	}

	@Override
	public void restartStarted(RestartAttempt attempt) {
		this.publisher.publishEvent(new RestartStartedEvent(this.coordinator, generation(), attempt));
	}

	@Override
	public void ready(int generation, boolean first) {
		if (!first) {
			this.publisher.publishEvent(new TakeoverEvent(this.coordinator, generation));
		}
	}

	@Override
	public void handedOver(RestartAttempt attempt) {
		this.publisher.publishEvent(new DrainStartedEvent(this.coordinator, generation(), attempt));
	}

	@Override
	public void drained(RestartAttempt attempt, Duration drain, Map<String, Integer> cut) {
		this.publisher.publishEvent(new DrainedEvent(this.coordinator, generation(), attempt, drain, cut));
	}

	@Override
	public void restartFailed(RestartAttempt attempt) {
		this.publisher.publishEvent(new RestartFailedEvent(this.coordinator, generation(), attempt));
	}

	private int generation() {
		return this.coordinator.generation();
	}

	/**
	 * First: the application's listeners of the events act before what the library does at the
	 * same step (it closes the long-lived connections they leave open).
	 */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
