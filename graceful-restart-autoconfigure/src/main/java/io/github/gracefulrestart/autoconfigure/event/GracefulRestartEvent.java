package io.github.gracefulrestart.autoconfigure.event;

import org.springframework.context.ApplicationEvent;

/**
 * A step of a graceful restart, published in the generation it concerns, on the thread of
 * the restart machinery that takes the step; the restart waits for the listeners (a
 * listener that throws is logged and changes nothing). Listen with
 * {@code @EventListener}. In the order a restart takes them: {@link RestartStartedEvent}
 * (old generation), {@link GenerationReadyEvent} (new), {@link TakeoverEvent} (new),
 * {@link DrainStartedEvent} and {@link DrainedEvent} (old); or {@link RestartFailedEvent}
 * (old) when the new generation did not take over.
 */
public abstract class GracefulRestartEvent extends ApplicationEvent {

	private final int generation;

	/**
	 * Create an event.
	 * @param source what publishes it
	 * @param generation the number of the generation it is published in
	 */
	protected GracefulRestartEvent(Object source, int generation) {
		super(source);
		this.generation = generation;
	}

	/**
	 * Return the number of the generation this event is published in, 1 for the first
	 * process.
	 * @return the generation
	 */
	public int getGeneration() {
		return this.generation;
	}

}
