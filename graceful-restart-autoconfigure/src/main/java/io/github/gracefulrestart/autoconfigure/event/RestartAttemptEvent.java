package io.github.gracefulrestart.autoconfigure.event;

import io.github.gracefulrestart.RestartAttempt;

/**
 * A step of one restart, published with the restart as it stands.
 */
public abstract class RestartAttemptEvent extends GracefulRestartEvent {

	private final RestartAttempt attempt;

	/**
	 * Create an event.
	 * @param source what publishes it
	 * @param generation the number of the generation it is published in
	 * @param attempt the restart
	 */
	protected RestartAttemptEvent(Object source, int generation, RestartAttempt attempt) {
		super(source, generation);
		this.attempt = attempt;
	}

	/**
	 * Return the restart.
	 * @return the attempt
	 */
	public RestartAttempt getAttempt() {
		return this.attempt;
	}

}
