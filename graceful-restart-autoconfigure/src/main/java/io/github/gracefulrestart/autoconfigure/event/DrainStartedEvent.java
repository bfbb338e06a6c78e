package io.github.gracefulrestart.autoconfigure.event;

import io.github.gracefulrestart.RestartAttempt;

/**
 * Published in the old generation once the new one took over and this one stopped
 * accepting, before its drain waits for the open connections: the moment to close the
 * application's own long-lived connections (WebSocket sessions, server-sent event
 * streams) so that their clients reconnect, to the new generation, and to stop consumers
 * or deregister from service discovery.
 */
public class DrainStartedEvent extends RestartAttemptEvent {

	/**
	 * Create the event.
	 * @param source what publishes it
	 * @param generation this generation's number
	 * @param attempt the restart
	 */
	public DrainStartedEvent(Object source, int generation, RestartAttempt attempt) {
		super(source, generation, attempt);
	}

}
