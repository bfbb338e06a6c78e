package io.github.gracefulrestart;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Hears what restarts do, for metrics and the like. Called on the restart machinery's
 * threads; an exception thrown here is logged and never breaks a restart.
 */
public interface RestartListener {

	/** A listener that does nothing. */
	RestartListener NO_OP = new RestartListener() {
	};

	/**
	 * This generation is ready and serves (alongside the previous one, if any, until it
	 * drained).
	 * @param generation this generation's number
	 * @param first whether no previous generation started this one
	 */
	default void ready(int generation, boolean first) {
	}

	/**
	 * This generation started a restart: a new generation is starting.
	 * @param attempt the attempt
	 */
	default void restartStarted(RestartAttempt attempt) {
	}

	/**
	 * The new generation is ready and this one stopped accepting: it drains, then exits.
	 * @param attempt the succeeded attempt, with the new generation's pid
	 */
	default void handedOver(RestartAttempt attempt) {
	}

	/**
	 * The previous generation is gone (drained and exited, or died): this one serves
	 * alone.
	 * @param generation this generation's number
	 */
	default void servingAlone(int generation) {
	}

	/**
	 * This generation shuts down without handing over: the service stops.
	 */
	default void stopping() {
	}

	/**
	 * A restart started by this generation failed or timed out; this generation keeps
	 * serving.
	 * @param attempt the ended attempt
	 */
	default void restartFailed(RestartAttempt attempt) {
	}

	/**
	 * A restart started by this generation failed because the new generation's health
	 * indicators were not up: called after {@link #restartFailed}.
	 * @param attempt the ended attempt
	 * @param indicators the indicators that were not up, as the new generation last
	 * reported them
	 */
	default void unhealthy(RestartAttempt attempt, List<String> indicators) {
	}

	/**
	 * This generation stopped accepting for a new one and its drain ended: it closes
	 * next.
	 * @param attempt the succeeded attempt
	 * @param drain how long the drain took
	 * @param cut the connections still open when the drain timed out, which close with
	 * this generation, by kind ({@code http}, {@code websocket}, {@code event-stream});
	 * empty when every connection ended
	 */
	default void drained(RestartAttempt attempt, Duration drain, Map<String, Integer> cut) {
	}

	/**
	 * This generation took over: the previous one stopped accepting, drained and handed
	 * over the attempt that started this generation.
	 * @param attempt the succeeded attempt
	 * @param drain how long the previous generation's drain took
	 */
	default void restartSucceeded(RestartAttempt attempt, Duration drain) {
	}

}
