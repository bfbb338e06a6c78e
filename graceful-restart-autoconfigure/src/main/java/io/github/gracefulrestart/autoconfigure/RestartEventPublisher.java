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

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.Ordered;

/**
 * Publishes what the coordinator hears as Spring application events, for
 * {@code @EventListener} methods. {@code GenerationReadyEvent} comes from
 * {@link GracefulRestartTriggers}.
 */
class RestartEventPublisher implements RestartListener, Ordered {

	private static final Log logger = LogFactory.getLog(RestartEventPublisher.class);

	private final RestartCoordinator coordinator;

	private final ApplicationEventPublisher publisher;

	RestartEventPublisher(RestartCoordinator coordinator, ApplicationEventPublisher publisher) {
		this.coordinator = coordinator;
		this.publisher = publisher;
	}

	@Override
	public void restartStarted(RestartAttempt attempt) {
		publish(new RestartStartedEvent(this.coordinator, generation(), attempt));
	}

	@Override
	public void ready(int generation, boolean first) {
		if (!first) {
			publish(new TakeoverEvent(this.coordinator, generation));
		}
	}

	@Override
	public void handedOver(RestartAttempt attempt) {
		publish(new DrainStartedEvent(this.coordinator, generation(), attempt));
	}

	@Override
	public void drained(RestartAttempt attempt, Duration drain, Map<String, Integer> cut) {
		publish(new DrainedEvent(this.coordinator, generation(), attempt, drain, cut));
	}

	@Override
	public void restartFailed(RestartAttempt attempt) {
		publish(new RestartFailedEvent(this.coordinator, generation(), attempt));
	}

	/**
	 * Publish an event to the application's listeners: one that throws is the
	 * application's own code, logged with where it threw, and changes nothing of the
	 * restart.
	 */
	private void publish(Object event) {
		try {
			this.publisher.publishEvent(event);
		}
		catch (RuntimeException ex) {
			logger.error("A listener of " + event.getClass().getSimpleName() + " failed" + origin(ex)
					+ "; the restart goes on", ex);
		}
	}

	/**
	 * Which listener an exception came from: the last frame of its trace before Spring's
	 * event dispatch (or the library) called into the application, else where it was
	 * thrown.
	 */
	static String origin(Throwable ex) {
		StackTraceElement[] trace = ex.getStackTrace();
		for (int i = 1; i < trace.length; i++) {
			String caller = trace[i].getClassName();
			if (caller.startsWith("org.springframework.") || caller.startsWith("java.lang.reflect.")
					|| caller.startsWith("jdk.internal.reflect.")
					|| caller.startsWith(RestartEventPublisher.class.getName())
					|| caller.startsWith(GracefulRestartTriggers.class.getName())) {
				return " (at " + trace[i - 1].getClassName() + "." + trace[i - 1].getMethodName() + ")";
			}
		}
		return (trace.length > 0) ? " (at " + trace[0].getClassName() + "." + trace[0].getMethodName() + ")" : "";
	}

	private int generation() {
		return this.coordinator.generation();
	}

	/**
	 * First: the application's listeners of the events act before what the library does
	 * at the same step (it closes the long-lived connections they leave open).
	 */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
