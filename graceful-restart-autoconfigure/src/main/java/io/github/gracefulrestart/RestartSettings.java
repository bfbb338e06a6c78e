package io.github.gracefulrestart;

import java.time.Duration;

/**
 * The timing of a restart.
 *
 * @param startupTimeout how long the old generation waits for the new one to become ready
 * @param drainTimeout how long the old generation waits for its connections to finish
 * @param stopTimeout how long a new generation that failed may take to stop after SIGTERM
 * before it is killed
 */
public record RestartSettings(Duration startupTimeout, Duration drainTimeout, Duration stopTimeout) {

	/**
	 * How long a generation that handed over may take to drain and close before it is
	 * ended (it halts itself; a supervisor kills it): the drain timeout, the stop timeout
	 * and 30 s for the context's own shutdown.
	 * @return the limit
	 */
	public Duration closeLimit() {
		return this.drainTimeout.plus(this.stopTimeout).plusSeconds(30);
	}

}
