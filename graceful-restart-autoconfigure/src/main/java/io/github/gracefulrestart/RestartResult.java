package io.github.gracefulrestart;

/**
 * How a restart ended.
 */
public enum RestartResult {

	/** The restart is running. */
	IN_PROGRESS,

	/** The new generation took over. */
	SUCCEEDED,

	/** The new generation could not be started, or ended before it was ready. */
	FAILED,

	/** The new generation did not become ready in time and was stopped. */
	TIMED_OUT

}
