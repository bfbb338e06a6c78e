package io.github.gracefulrestart.process;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The child processes a generation runs in the background ahead of the next restart (the jar's
 * extraction, a training run). None starts once they are {@link #close closed}, and closing
 * kills those under way, with what they started, and waits until they have ended: none outlives
 * its generation. Under systemd one that did would be found in the service's control group after
 * the main process ended, and SIGKILLed there.
 */
final class BackgroundProcesses {

	private static final Log logger = LogFactory.getLog(BackgroundProcesses.class);

	/** A SIGKILLed process ends at once; this only bounds a shutdown against the unforeseen. */
	private static final Duration END_WAIT = Duration.ofSeconds(10);

	private final Set<Process> running = new HashSet<>();

	private boolean closed;

	/**
	 * Start a background process, unless closed.
	 * @param builder what to start
	 * @return the process, to be {@link #ended} once waited for, or null when closed
	 * @throws IOException if it cannot be started
	 */
	synchronized Process start(ProcessBuilder builder) throws IOException {
		if (this.closed) {
			return null;
		}
		Process process = builder.start();
		this.running.add(process);
		return process;
	}

	/**
	 * Forget a process that has ended.
	 * @param process a process {@link #start started} here
	 */
	synchronized void ended(Process process) {
		this.running.remove(process);
	}

	synchronized boolean isClosed() {
		return this.closed;
	}

	/**
	 * Start none from now on, and kill those under way and wait (a bounded time) until they have
	 * ended.
	 */
	void close() {
		List<ProcessHandle> killed = new ArrayList<>();
		synchronized (this) {
			this.closed = true;
			this.running.forEach((process) -> killed.addAll(kill(process)));
		}
		long deadline = System.nanoTime() + END_WAIT.toNanos();
		for (ProcessHandle process : killed) {
			try {
				process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException | ExecutionException ex) {
				logger.warn("Background process " + process.pid() + " did not end within " + END_WAIT
						+ " of SIGKILL");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * SIGKILL a process and what it started (JDK 25 assembles the AOT cache in a child JVM), so
	 * that nothing goes on writing a file whose writer has ended.
	 * @param process the process
	 * @return the processes killed, the process last
	 */
	static List<ProcessHandle> kill(Process process) {
		List<ProcessHandle> killed = new ArrayList<>(process.descendants().toList());
		killed.add(process.toHandle());
		killed.forEach(ProcessHandle::destroyForcibly);
		return killed;
	}

}
