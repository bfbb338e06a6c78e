package io.github.gracefulrestart.handover;

import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;

import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.process.BootPriority;
import io.github.gracefulrestart.process.NativeOs;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A new generation that boots lowered yields to the serving one; beside one that
 * saturates the cores it would get a tenth of a core, and at the same priority a share by
 * its few threads against the serving one's many, and boot many times slower than alone,
 * up to the start-up timeout. Once it has taken as long as a generation of this service
 * took to be ready (at least a second, at most an eighth of {@code startupTimeout}), and
 * every half of that from then on, the serving generation looks: if the new one waited
 * for a CPU longer than it ran since the last look and got less than a quarter of the
 * machine's CPUs the while, it steps up, to its normal priority, then 5 and 10 above it
 * as far as this process may ({@link BootPriority#stepsUpFrom}). One that is slow for
 * another reason (a runner that waits on a database) keeps yielding.
 */
final class StarvedBoot {

	private static final Log logger = LogFactory.getLog(RestartCoordinator.class);

	private static final Duration LEAST_STEP = Duration.ofSeconds(1);

	private final NativeOs os;

	private final BootPriority priority;

	private final Duration bootTime;

	/**
	 * Create the watch of one start.
	 * @param os the native calls
	 * @param priority the serving generation's priority, or null when generations do not
	 * boot lowered
	 * @param bootTime the shortest time a generation of this service took to be ready, or
	 * null
	 */
	StarvedBoot(NativeOs os, BootPriority priority, Duration bootTime) {
		this.os = os;
		this.priority = priority;
		this.bootTime = bootTime;
	}

	/**
	 * Schedule the looks at a starting generation.
	 * @param attempt the restart
	 * @param started the generation that starts
	 * @param timeout the start-up timeout
	 * @param at schedules a look at a time after the start
	 * @return what to do once it is ready: its normal priority back, if it went above
	 */
	Runnable watch(RestartAttempt attempt, ChildProcess started, Duration timeout, BiConsumer<Duration, Runnable> at) {
		List<Integer> steps = (this.priority != null && started.bootNice().isPresent())
				? this.priority.stepsUpFrom(started.bootNice().get()) : List.of();
		if (steps.isEmpty()) {
			return () -> {
			};
		}
		Duration most = timeout.dividedBy(8);
		Duration booted = (this.bootTime != null) ? this.bootTime : most;
		Duration every = (booted.compareTo(LEAST_STEP) < 0) ? LEAST_STEP : (booted.compareTo(most) > 0) ? most : booted;
		NativeOs.Scheduling[] before = { this.os.scheduling(started.pid()) };
		Duration[] lastLook = { Duration.ZERO };
		int[] taken = { 0 };
		for (Duration when = every; when.compareTo(timeout) < 0; when = when.plus(every.dividedBy(2))) {
			Duration look = when;
			at.accept(look, () -> {
				NativeOs.Scheduling now = this.os.scheduling(started.pid());
				boolean starved = now.starvedSince(before[0], look.minus(lastLook[0]), this.os.cpus());
				before[0] = now;
				lastLook[0] = look;
				if (!starved || taken[0] == steps.size()) {
					return;
				}
				int nice = steps.get(taken[0]++);
				logger.info("Restart " + attempt.id() + ": " + started + " is not ready after "
						+ look.toMillis() / 1000.0 + " s (a generation of this service was ready "
						+ ((this.bootTime != null) ? String.valueOf(this.bootTime.toMillis() / 1000.0) : "?")
						+ " s after its start) and waited for a CPU longer than it ran: it boots at nice " + nice
						+ " now, not " + started.bootNice().get() + ", so that a busy generation cannot starve it");
				setNice(started, nice);
			});
		}
		return () -> {
			if (taken[0] > 0 && steps.get(taken[0] - 1) < this.priority.normal()) {
				// It took its priority back before it said READY, perhaps before the last
				// step.
				setNice(started, this.priority.normal());
			}
		};
	}

	private void setNice(ChildProcess started, int nice) {
		for (int tid : this.os.threads(started.pid())) {
			this.os.setNice(tid, nice);
		}
	}

}
