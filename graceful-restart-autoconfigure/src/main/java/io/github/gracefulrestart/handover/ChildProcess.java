package io.github.gracefulrestart.handover;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.github.gracefulrestart.handover.Message.Drained;
import io.github.gracefulrestart.handover.Message.Ready;
import io.github.gracefulrestart.process.ExitStatus;
import io.github.gracefulrestart.process.NativeOs;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The parent's view of a generation it started (the serving generation's of the next one,
 * or the supervisor's of each): its number, pid and channel, and what became of it. One
 * thread reads the channel ({@link #listen}) and closes it at end of stream; the exit is
 * completed by the child's one reaper ({@link #reapWith}, or the supervisor's
 * {@code waitAny}): a second {@code waitpid} on the same pid would race the first.
 */
public final class ChildProcess {

	private static final Log logger = LogFactory.getLog(ChildProcess.class);

	private static final int SIGTERM = 15;

	private static final int SIGKILL = 9;

	private final NativeOs os;

	private final int number;

	private final int pid;

	private final HandoverChannel channel;

	private final CompletableFuture<Instant> ready = new CompletableFuture<>();

	private final CompletableFuture<Long> drained = new CompletableFuture<>();

	private final CompletableFuture<Void> channelEnded = new CompletableFuture<>();

	private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

	private volatile Message.NotReady notReady;

	private volatile Integer bootNice;

	ChildProcess(NativeOs os, int number, int pid, HandoverChannel channel) {
		this.os = os;
		this.number = number;
		this.pid = pid;
		this.channel = channel;
	}

	/**
	 * Return the generation's number.
	 * @return the number
	 */
	public int number() {
		return this.number;
	}

	/**
	 * Return the generation's pid.
	 * @return the pid
	 */
	public int pid() {
		return this.pid;
	}

	/**
	 * Return when the generation reported {@code READY}; never completes when it did not.
	 * @return the time it was ready
	 */
	public CompletableFuture<Instant> ready() {
		return this.ready;
	}

	/**
	 * Return the drain time the generation reported, or -1 when its channel ended first.
	 * @return the drain time in milliseconds
	 */
	public CompletableFuture<Long> drained() {
		return this.drained;
	}

	/**
	 * Return how the generation ended, once its reaper reaped it.
	 * @return the exit status
	 */
	public CompletableFuture<ExitStatus> exit() {
		return this.exit;
	}

	/**
	 * Return the health indicators the generation last reported not up.
	 * @return the indicators, none when it reported none
	 */
	public List<String> notUp() {
		Message.NotReady reason = this.notReady;
		return (reason != null) ? reason.indicators() : List.of();
	}

	/**
	 * Return the nice value this generation boots at, below its normal priority.
	 * @return the nice value, empty when it boots at its normal priority
	 */
	public Optional<Integer> bootNice() {
		return Optional.ofNullable(this.bootNice);
	}

	void bootsAt(int nice) {
		this.bootNice = nice;
	}

	/**
	 * Say that the generation is still starting, for a restart that waits on it: a
	 * generation that logs nothing for long (starved of CPU, blocked in a bean) should
	 * not look like a hang.
	 * @param waited how long it has been starting
	 * @param timeout the startup timeout
	 * @return the line to log
	 */
	public String stillStarting(Duration waited, Duration timeout) {
		return this + " is not ready after " + waited.toSeconds() + " s; waiting on it up to startup-timeout ("
				+ timeout.toSeconds() + " s)";
	}

	/**
	 * Describe why the generation never became ready, with the reason it gave if any.
	 * @param what what was seen, such as {@code "was not ready within PT1M"}
	 * @return the description
	 */
	public String unready(String what) {
		if (this.exit.isDone()) {
			// It is gone: what it said last is on its way to the channel's thread, which
			// ends soon.
			try {
				this.channelEnded.get(1, TimeUnit.SECONDS);
			}
			catch (TimeoutException | ExecutionException ex) {
				// Said nothing more.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		Message.NotReady reason = this.notReady;
		return this + " " + what + ((reason != null) ? "; it reported: " + reason.reason() : "");
	}

	/**
	 * Start the one thread that reads the generation's channel until it ends, then closes
	 * it.
	 * @param others what to do with messages other than {@code READY} and {@code DRAINED}
	 */
	public void listen(Consumer<Message> others) {
		daemon("graceful-restart-channel-" + this.number, () -> {
			try {
				Message message;
				while ((message = this.channel.receive()) != null) {
					if (message instanceof Ready) {
						this.ready.complete(Instant.now());
					}
					else if (message instanceof Drained drained) {
						this.drained.complete(drained.drainMs());
					}
					else if (message instanceof Message.NotReady reason) {
						this.notReady = reason;
						logger.info(this + " is not ready: " + reason.reason());
					}
					others.accept(message);
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Channel of " + this + " ended: " + ex.getMessage());
			}
			finally {
				this.drained.complete(-1L);
				this.channel.close();
				this.channelEnded.complete(null);
			}
		});
	}

	/**
	 * Start the one thread that waits for this child to end and reaps it.
	 */
	public void reapWith() {
		daemon("graceful-restart-reaper-" + this.number, () -> {
			try {
				this.exit.complete(this.os.waitFor(this.pid));
			}
			catch (RuntimeException ex) {
				this.exit.completeExceptionally(ex);
			}
		});
	}

	/**
	 * Send a message, if the generation still listens.
	 * @param message the message
	 * @return whether it was written
	 */
	public boolean send(Message message) {
		return this.channel.trySend(message);
	}

	/**
	 * Wait until the generation reports {@code READY}, ends, or {@code timeout} passes.
	 * @param timeout how long to wait
	 * @return what happened first
	 */
	public ReadyOutcome awaitReady(Duration timeout) {
		try {
			CompletableFuture.anyOf(this.ready, this.channelEnded, this.exit)
				.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			return ReadyOutcome.TIMED_OUT;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return ReadyOutcome.INTERRUPTED;
		}
		catch (ExecutionException ex) {
			// The reaper failed: the child's end is unknown, treated as ended.
		}
		return this.ready.isDone() ? ReadyOutcome.READY : ReadyOutcome.ENDED;
	}

	/**
	 * Return how the generation ended, waiting at most {@code timeout} for its reaper.
	 * @param timeout how long to wait
	 * @return the status, or a description of why it is not known
	 */
	public String awaitExit(Duration timeout) {
		try {
			return this.exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS).toString();
		}
		catch (TimeoutException ex) {
			return "its channel closed, and it did not exit within " + timeout;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
		catch (ExecutionException ex) {
			return "not reaped: " + ex.getCause().getMessage();
		}
	}

	/**
	 * Stop the generation, and wait until its reaper reaped it: SIGTERM, then SIGKILL
	 * past {@code grace}. Nothing to do once it was reaped.
	 * @param grace how long it gets between SIGTERM and SIGKILL
	 */
	public void stop(Duration grace) {
		if (this.exit.isDone() && !this.exit.isCompletedExceptionally()) {
			return;
		}
		this.os.kill(this.pid, SIGTERM);
		try {
			this.exit.get(grace.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.warn(this + " did not stop within " + grace + " of SIGTERM; killing it");
			kill();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			kill();
		}
		catch (ExecutionException ex) {
			// The reaper failed: no status will come, so make sure the process is gone.
			logger.warn("Reaping " + this + " failed (" + ex.getCause().getMessage() + "); killing it");
			this.os.kill(this.pid, SIGKILL);
		}
	}

	/**
	 * Kill the generation (SIGKILL) and wait until its reaper reaped it.
	 */
	public void kill() {
		if (!this.exit.isDone()) {
			this.os.kill(this.pid, SIGKILL);
			this.exit.handle((status, ex) -> null).join();
		}
	}

	private static void daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public String toString() {
		return "generation " + this.number + " (pid " + this.pid + ")";
	}

	/**
	 * What waiting for a generation to become ready ended with.
	 */
	public enum ReadyOutcome {

		/** It reported {@code READY}. */
		READY,

		/** Its channel ended or it exited first. */
		ENDED,

		/** Neither within the timeout: it may hang. */
		TIMED_OUT,

		/** The waiting thread was interrupted. */
		INTERRUPTED

	}

}
