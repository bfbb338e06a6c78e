package io.github.gracefulrestart.autoconfigure.event;

import java.time.Duration;
import java.util.Map;

import io.github.gracefulrestart.RestartAttempt;

/**
 * Published in the old generation once its drain ended, before its context closes and it
 * exits.
 */
public class DrainedEvent extends RestartAttemptEvent {

	private final Duration drain;

	private final Map<String, Integer> cut;

	/**
	 * Create the event.
	 * @param source what publishes it
	 * @param generation this generation's number
	 * @param attempt the restart
	 * @param drain how long the drain took
	 * @param cut the connections still open at the drain timeout, by kind; empty when
	 * every connection ended
	 */
	public DrainedEvent(Object source, int generation, RestartAttempt attempt, Duration drain,
			Map<String, Integer> cut) {
		super(source, generation, attempt);
		this.drain = drain;
		this.cut = Map.copyOf(cut);
	}

	/**
	 * Return how long the drain took.
	 * @return the drain's duration
	 */
	public Duration getDrain() {
		return this.drain;
	}

	/**
	 * Return whether every connection ended; {@code false} when the drain timed out and
	 * the connections left are closed with the generation.
	 * @return whether the drain ended idle
	 */
	public boolean isIdle() {
		return this.cut.isEmpty();
	}

	/**
	 * Return the connections still open when the drain timed out, which close with this
	 * generation, by kind ({@code http}, {@code websocket}, {@code event-stream}).
	 * @return the connections by kind, empty when every connection ended
	 */
	public Map<String, Integer> getCut() {
		return this.cut;
	}

}
