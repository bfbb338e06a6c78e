package io.github.gracefulrestart.supervisor;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import io.github.gracefulrestart.process.ClassDataArchive;
import io.github.gracefulrestart.process.ExitStatus;
import io.github.gracefulrestart.process.HandshakeChannel;

/**
 * A generation the supervisor started: its number and pid, the supervisor's end of its channel,
 * and what it reported. Sends are refused once the channel is closed, so that no message can go
 * to a descriptor number the kernel gave to another file.
 */
final class Generation {

	private final int number;

	private final int pid;

	private final HandshakeChannel channel;

	private final ClassDataArchive.Prepared prepared;

	private final CompletableFuture<Boolean> ready = new CompletableFuture<>();

	private final CompletableFuture<Long> drained = new CompletableFuture<>();

	private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

	private volatile Instant readyAt;

	private boolean closed;

	Generation(int number, int pid, HandshakeChannel channel, ClassDataArchive.Prepared prepared) {
		this.number = number;
		this.pid = pid;
		this.channel = channel;
		this.prepared = prepared;
	}

	/**
	 * What it was started with as to a class-data archive, or null.
	 */
	ClassDataArchive.Prepared prepared() {
		return this.prepared;
	}

	int number() {
		return this.number;
	}

	int pid() {
		return this.pid;
	}

	HandshakeChannel channel() {
		return this.channel;
	}

	/**
	 * Completes with {@code true} when the generation reported {@code READY}, {@code false} when
	 * its channel ended first.
	 */
	CompletableFuture<Boolean> ready() {
		return this.ready;
	}

	/**
	 * Completes with the drain time the generation reported, or -1 when its channel ended first.
	 */
	CompletableFuture<Long> drained() {
		return this.drained;
	}

	/**
	 * Completes when the reaper reaped the generation.
	 */
	CompletableFuture<ExitStatus> exit() {
		return this.exit;
	}

	Instant readyAt() {
		return this.readyAt;
	}

	void markReady(Instant now) {
		this.readyAt = now;
		this.ready.complete(true);
	}

	synchronized boolean send(String message) {
		if (this.closed) {
			return false;
		}
		try {
			this.channel.send(message);
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	synchronized void close() {
		this.closed = true;
		this.channel.close();
	}

	@Override
	public String toString() {
		return "generation " + this.number + " (pid " + this.pid + ")";
	}

}
