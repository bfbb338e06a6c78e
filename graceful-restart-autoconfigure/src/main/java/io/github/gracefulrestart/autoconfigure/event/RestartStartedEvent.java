package io.github.gracefulrestart.autoconfigure.event;

import io.github.gracefulrestart.RestartAttempt;

/**
 * Published in the serving generation when it starts a restart: a new generation is
 * starting. Nothing has changed for clients yet.
 */
public class RestartStartedEvent extends RestartAttemptEvent {

	/**
	 * Create the event.
	 * @param source what publishes it
	 * @param generation this generation's number
	 * @param attempt the restart
	 */
	public RestartStartedEvent(Object source, int generation, RestartAttempt attempt) {
		super(source, generation, attempt);
	}

}
