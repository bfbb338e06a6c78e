package io.github.gracefulrestart;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Holds a new generation back from taking over until its health is up, the way a load
 * balancer holds traffic back from an instance until its health check passes. It has no
 * timeout of its own: the generation that started this one (or the supervisor) owns the
 * start-up timeout and stops this one when it passes, having heard from it why it is not
 * ready. The wait ends early when this generation is being stopped, and, with a warning,
 * when the previous generation is gone: a generation that is not healthy serves better
 * than none. A reason is told once it was read twice in a row: the readiness state reads
 * as out of service for a moment as the application becomes ready.
 */
public final class HealthGate {

	private static final Log logger = LogFactory.getLog(HealthGate.class);

	private final Supplier<Health> health;

	private final Duration interval;

	/**
	 * Create a gate.
	 * @param health reads the health this generation must have before it takes over
	 * @param interval how long to wait between two reads while it is not up, at most: the
	 * first reads come sooner (from 10 ms, doubling), as the readiness state is usually
	 * up a moment after the first read
	 */
	public HealthGate(Supplier<Health> health, Duration interval) {
		this.health = health;
		this.interval = interval;
	}

	/**
	 * Wait until the health is up.
	 * @param notReady told each time the reason changes (indicators not up, description)
	 * @param stopping whether this generation is being stopped
	 * @param predecessorServing whether the previous generation still serves
	 * @return {@code true} to take over, {@code false} when this generation is being
	 * stopped
	 */
	public boolean await(NotReadyReporter notReady, BooleanSupplier stopping, BooleanSupplier predecessorServing) {
		String reported = null;
		String previous = null;
		long wait = Math.min(10, this.interval.toMillis());
		while (true) {
			Health current = read();
			if (current.up()) {
				if (reported != null) {
					logger.info("Health is up: " + current.description());
				}
				return true;
			}
			if (current.description().equals(previous) && !current.description().equals(reported)) {
				reported = current.description();
				notReady.notReady(current.notUp(), current.description());
			}
			previous = current.description();
			if (stopping.getAsBoolean()) {
				return false;
			}
			if (!predecessorServing.getAsBoolean()) {
				logger.warn("The previous generation is gone: taking over although " + current.description());
				return true;
			}
			try {
				Thread.sleep(wait);
				wait = Math.min(wait * 2, this.interval.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
	}

	private Health read() {
		try {
			return this.health.get();
		}
		catch (RuntimeException ex) {
			return new Health(false, List.of(), "reading the health failed: " + ex);
		}
	}

	/**
	 * Hears why this generation is not ready.
	 */
	@FunctionalInterface
	public interface NotReadyReporter {

		/**
		 * This generation is not ready.
		 * @param indicators the indicators that are not up
		 * @param reason the reason, in words
		 */
		void notReady(List<String> indicators, String reason);

	}

	/**
	 * A health as read.
	 *
	 * @param up whether this generation may take over
	 * @param notUp the names of the indicators that are not up
	 * @param description the status and the indicators that are not up, with their
	 * details
	 */
	public record Health(boolean up, List<String> notUp, String description) {

	}

}
