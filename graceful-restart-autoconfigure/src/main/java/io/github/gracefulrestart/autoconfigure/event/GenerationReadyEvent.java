package io.github.gracefulrestart.autoconfigure.event;

import io.github.gracefulrestart.Warmup;

/**
 * Published in a new generation once it is ready to take over (started, healthy, warmed
 * up), just before it does: it accepts on the shared sockets once the listeners returned,
 * and the serving generation starts to drain.
 */
public class GenerationReadyEvent extends GracefulRestartEvent {

	private final Warmup.Result warmup;

	/**
	 * Create the event.
	 * @param source what publishes it
	 * @param generation this generation's number
	 * @param warmup what the warm-up did, or null when there was none
	 */
	public GenerationReadyEvent(Object source, int generation, Warmup.Result warmup) {
		super(source, generation);
		this.warmup = warmup;
	}

	/**
	 * Return what the warm-up did.
	 * @return the warm-up's result, or null when there was none
	 */
	public Warmup.Result getWarmup() {
		return this.warmup;
	}

}
