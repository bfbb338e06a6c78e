package io.github.gracefulrestart;

/**
 * What this generation is doing.
 */
public enum RestartState {

	/** Serving, no restart running. */
	SERVING,

	/** A new generation is starting; this one keeps serving. */
	RESTARTING,

	/** The new generation took over; this one finishes its connections and exits. */
	DRAINING

}
