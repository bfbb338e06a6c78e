package io.github.gracefulrestart.handover;

import io.github.gracefulrestart.RestartAttempt;

/**
 * The answer to a restart request.
 *
 * @param accepted whether a restart was started
 * @param attempt the started attempt, or the running one when not accepted (may be null)
 * @param reason why it was not accepted, or null
 */
public record RestartRequest(boolean accepted, RestartAttempt attempt, String reason) {

}
