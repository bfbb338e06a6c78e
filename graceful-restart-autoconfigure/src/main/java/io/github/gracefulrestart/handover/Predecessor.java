package io.github.gracefulrestart.handover;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A generation's view of the one it takes over from. Until this generation reports
 * {@code READY} the previous one serves and is none of its business: a generation that
 * fails to start ends at once. From {@code READY} on the previous one drains; it is gone
 * once its end of the channel closes (it exited; whether its parent reaped it yet does
 * not matter) or, with a supervisor, once the supervisor says {@code DRAINED}.
 */
final class Predecessor {

	private static final Log logger = LogFactory.getLog(Predecessor.class);

	private final Handoff handoff;

	private final CompletableFuture<Void> gone = new CompletableFuture<>();

	private State state;

	Predecessor(Handoff handoff) {
		this.handoff = handoff;
		this.state = handoff.parentPid().isPresent() ? State.SERVING : State.NONE;
	}

	synchronized State state() {
		return this.state;
	}

	/**
	 * Whether the previous generation is still there.
	 */
	synchronized boolean present() {
		return this.state != State.NONE && this.state != State.GONE;
	}

	/**
	 * Whether the previous generation is still there after this one reported ready.
	 */
	synchronized boolean busy() {
		return this.state == State.DRAINING || this.state == State.DRAINED;
	}

	/**
	 * Tell whoever started this generation that it is ready, and start reading what they
	 * say.
	 * @param messages what to do with each message
	 * @param ended what to do once the channel ended
	 * @return whether the previous generation drains now
	 */
	boolean reportReady(Consumer<Message> messages, Runnable ended) {
		HandoverChannel channel = this.handoff.channel().orElse(null);
		if (channel == null) {
			return false;
		}
		if (!channel.trySend(new Message.Ready())) {
			logger.warn("Generation " + this.handoff.generation() + " could not report ready to pid "
					+ this.handoff.parentPid().or(this.handoff::supervisorPid).orElse(null) + ": already gone");
			channel.close();
			gone();
			ended.run();
			return false;
		}
		boolean draining;
		synchronized (this) {
			draining = this.state == State.SERVING;
			if (draining) {
				this.state = State.DRAINING;
			}
		}
		Thread reader = new Thread(() -> {
			try {
				Message message;
				while ((message = channel.receive()) != null) {
					messages.accept(message);
				}
			}
			catch (RuntimeException ex) {
				logger
					.warn("Handover channel of generation " + this.handoff.generation() + " ended: " + ex.getMessage());
			}
			finally {
				channel.close();
				if (this.handoff.supervisorPid().isEmpty()) {
					gone();
				}
				ended.run();
			}
		}, "graceful-restart-handover");
		reader.setDaemon(true);
		reader.start();
		return draining;
	}

	/**
	 * The previous generation drained: gone at once with a supervisor (which says so only
	 * once it exited), else once its channel closes.
	 */
	void drained() {
		if (this.handoff.supervisorPid().isPresent()) {
			gone();
			return;
		}
		synchronized (this) {
			if (this.state == State.DRAINING) {
				this.state = State.DRAINED;
			}
		}
	}

	private void gone() {
		synchronized (this) {
			if (this.state != State.NONE) {
				this.state = State.GONE;
			}
		}
		this.gone.complete(null);
	}

	/**
	 * Wait until the previous generation is gone, at most {@code limit}.
	 * @param limit how long to wait
	 * @return whether it is gone
	 */
	boolean awaitGone(Duration limit) {
		try {
			this.gone.get(limit.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (TimeoutException | ExecutionException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Where the previous generation stands.
	 */
	enum State {

		/** There is none: a first generation. */
		NONE,

		/** It serves while this generation starts. */
		SERVING,

		/** This generation reported ready: it stopped accepting and drains. */
		DRAINING,

		/** It reported its drain, and is closing. */
		DRAINED,

		/** It ended. */
		GONE

	}

}
