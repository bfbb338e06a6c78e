package io.github.gracefulrestart.process;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Stops a child process that must not stay: SIGTERM, then SIGKILL past a grace period. It never
 * calls {@code waitpid} itself: the child's one reaper completes {@code exit}, since a second
 * wait on the same pid would race it.
 */
public final class ChildStopper {

	private static final Log logger = LogFactory.getLog(ChildStopper.class);

	private static final int SIGTERM = 15;

	private static final int SIGKILL = 9;

	private final NativeOs os;

	private final Duration grace;

	/**
	 * Create a stopper.
	 * @param os the native calls
	 * @param grace how long a child gets between SIGTERM and SIGKILL
	 */
	public ChildStopper(NativeOs os, Duration grace) {
		this.os = os;
		this.grace = grace;
	}

	/**
	 * Stop a child and wait until its reaper reaped it; nothing to do when it already was.
	 * @param pid the child
	 * @param exit completed by the child's reaper
	 * @param name how the logs name the child
	 */
	public void stop(int pid, CompletableFuture<ExitStatus> exit, String name) {
		if (exit.isDone()) {
			return;
		}
		this.os.kill(pid, SIGTERM);
		try {
			exit.get(this.grace.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn(name + " did not stop within " + this.grace + " of SIGTERM; killing it");
			this.os.kill(pid, SIGKILL);
			exit.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.os.kill(pid, SIGKILL);
		}
		catch (ExecutionException ex) {
			logger.debug("Reaping " + name + " failed: " + ex.getCause());
		}
	}

}
