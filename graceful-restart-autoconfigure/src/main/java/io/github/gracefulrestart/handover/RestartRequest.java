package io.github.gracefulrestart.handover;

import io.github.gracefulrestart.RestartAttempt;

/**
 * The answer to a restart request.
 *
 * @param accepted whether a restart was started
 * @param attempt the started attempt, or the running one when not accepted (may be null)
 * @param reason why it was not accepted, or null
 * @param queued whether it was not started now but runs once what prevents it is over
 */
public record RestartRequest(boolean accepted, RestartAttempt attempt, String reason, boolean queued) {

	/**
	 * Create an answer of a request that was not queued.
	 * @param accepted whether a restart was started
	 * @param attempt the started attempt, or the running one when not accepted (may be
	 * null)
	 * @param reason why it was not accepted, or null
	 */
	public RestartRequest(boolean accepted, RestartAttempt attempt, String reason) {
		this(accepted, attempt, reason, false);
	}

}
