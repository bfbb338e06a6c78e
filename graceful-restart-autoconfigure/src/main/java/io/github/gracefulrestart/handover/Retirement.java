package io.github.gracefulrestart.handover;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

import io.github.gracefulrestart.GenerationWork;
import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartListeners;
import io.github.gracefulrestart.RestartSettings;
import io.github.gracefulrestart.RestartableServer;
import io.github.gracefulrestart.process.NativeOs;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * What a generation does once the next one took over, on a thread of its own: stop
 * accepting, stop its background work and say so to whoever waits for it (the next
 * generation starts its own then), let the open connections finish (at most
 * {@code drainTimeout}), report the drain to whoever waits for it (the next generation,
 * or the supervisor), then close. It has handed over and must end whatever happens while
 * it closes (a destroy method that hangs, a stuck request): past its close limit it
 * halts.
 */
final class Retirement {

	private static final Log logger = LogFactory.getLog(Retirement.class);

	private final RestartSettings settings;

	private final NativeOs os;

	private final GenerationServers servers;

	private final RestartListeners listeners;

	private final int generation;

	private final Consumer<RestartAttempt> close;

	private final Duration closeLimit;

	private final GenerationWork work;

	/**
	 * Create the retirement of one generation.
	 * @param settings the timing
	 * @param os the native calls (to halt)
	 * @param servers the generation's web servers
	 * @param listeners who hears of the handover and the drain
	 * @param generation the number of the generation that retires
	 * @param close closes the generation
	 * @param closeLimit how long the drain and the close may take before the generation
	 * halts ({@link RestartSettings#closeLimit()})
	 * @param work the generation's background work, stopped as it hands over
	 */
	Retirement(RestartSettings settings, NativeOs os, GenerationServers servers, RestartListeners listeners,
			int generation, Consumer<RestartAttempt> close, Duration closeLimit, GenerationWork work) {
		this.settings = settings;
		this.os = os;
		this.servers = servers;
		this.listeners = listeners;
		this.generation = generation;
		this.close = close;
		this.closeLimit = closeLimit;
		this.work = work;
	}

	/**
	 * Retire: drain, report, close.
	 * @param succeeded the restart that handed over
	 * @param running the servers to drain
	 * @param reportWorkStopped tells whoever waits that the background work stopped
	 * @param reportDrain tells whoever waits how long the drain took; false if it is gone
	 */
	void run(RestartAttempt succeeded, List<RestartableServer> running, Runnable reportWorkStopped,
			LongPredicate reportDrain) {
		// From the start: what runs before the drain (the application's listeners, close
		// frames to clients that may not read them) is as unbounded as what runs after
		// it.
		exitWatchdog(succeeded);
		Drain drain = new Drain(running, this.settings.drainTimeout());
		drain.stopAccepting();
		stopWork(succeeded);
		reportWorkStopped.run();
		this.listeners.fire((listener) -> listener.handedOver(succeeded));
		Map<String, Integer> kinds = this.servers.openByKind(running);
		logger.info("Restart " + succeeded.id() + ": pid " + succeeded.newPid()
				+ " took over; stopped accepting, draining " + drain.openConnections() + " connection(s)"
				+ (kinds.keySet().stream().allMatch("http"::equals) ? "" : " " + kinds));
		Drain.Outcome outcome = drain.await();
		if (outcome.result() == Drain.Result.IDLE) {
			logger.info("Restart " + succeeded.id() + ": drained in " + outcome.millis() + " ms; closing generation "
					+ this.generation);
		}
		else {
			logger
				.warn("Restart " + succeeded.id() + ": " + drain.openConnections() + " connection(s) still open after "
						+ this.settings.drainTimeout() + "; closing them with generation " + this.generation);
		}
		Map<String, Integer> cut = (outcome.result() == Drain.Result.IDLE) ? Map.of()
				: this.servers.openByKind(running);
		if (!cut.isEmpty()) {
			logger.warn("Restart " + succeeded.id() + ": closing " + cut + " with generation " + this.generation);
		}
		Duration took = Duration.ofMillis(outcome.millis());
		this.listeners.fire((listener) -> listener.drained(succeeded, took, cut));
		if (!reportDrain.test(outcome.millis())) {
			logger.warn("Could not report the drain of restart " + succeeded.id() + ": the other end is gone");
		}
		this.close.accept(succeeded);
	}

	/**
	 * Background work stops before the drain, not with the context after it: the next
	 * generation starts its own once this one's stopped, and a drain can last as long as
	 * the longest request.
	 */
	private void stopWork(RestartAttempt succeeded) {
		try {
			List<String> running = this.work.stop();
			if (!running.isEmpty()) {
				logger.warn("Restart " + succeeded.id() + ": background work " + running + " of generation "
						+ this.generation + " did not stop in time; generation " + (this.generation + 1)
						+ " starts its own all the same");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Restart " + succeeded.id() + ": stopping the background work of generation " + this.generation
					+ " failed; generation " + (this.generation + 1) + " starts its own all the same", ex);
		}
	}

	/**
	 * Past the close limit from the start of its retirement, a generation that handed
	 * over halts.
	 */
	private void exitWatchdog(RestartAttempt attempt) {
		Duration grace = this.closeLimit;
		RestartCoordinator.daemon("graceful-restart-exit-watchdog", () -> {
			try {
				Thread.sleep(grace.toMillis());
			}
			catch (InterruptedException ex) {
				return;
			}
			logger.error("Restart " + attempt.id() + ": generation " + this.generation + " did not close within "
					+ grace + "; halting it");
			this.os.halt(1);
		});
	}

}
