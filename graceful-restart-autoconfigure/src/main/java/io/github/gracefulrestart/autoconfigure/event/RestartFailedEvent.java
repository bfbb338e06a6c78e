package io.github.gracefulrestart.autoconfigure.event;

import io.github.gracefulrestart.RestartAttempt;

/**
 * Published in the serving generation when a restart it started failed or timed out: the
 * new generation was stopped (or died) and this one keeps serving. {@link #getAttempt()}
 * says why, naming the health indicators that were not up when that was the reason.
 */
public class RestartFailedEvent extends RestartAttemptEvent {

	/**
	 * Create the event.
	 * @param source what publishes it
	 * @param generation this generation's number
	 * @param attempt the restart
	 */
	public RestartFailedEvent(Object source, int generation, RestartAttempt attempt) {
		super(source, generation, attempt);
	}

}
