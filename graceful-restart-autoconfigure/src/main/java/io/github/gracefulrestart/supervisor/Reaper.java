package io.github.gracefulrestart.supervisor;

import java.util.Optional;
import java.util.function.Consumer;

import io.github.gracefulrestart.process.NativeOs;

/**
 * The supervisor's one reaper: every child that ends, a generation or an orphan the
 * kernel hands to PID 1, is reaped here and reported. With no child at all
 * {@code waitpid} fails at once, so it waits for the next spawn instead.
 */
final class Reaper {

	private final NativeOs os;

	private final Consumer<NativeOs.Reaped> reaped;

	private final Object monitor = new Object();

	private long spawns;

	private boolean stopped;

	Reaper(NativeOs os, Consumer<NativeOs.Reaped> reaped) {
		this.os = os;
		this.reaped = reaped;
	}

	void start() {
		Thread thread = new Thread(this::reap, "graceful-restart-supervisor-reaper");
		thread.setDaemon(true);
		thread.start();
	}

	/** A child was started: there is something to wait for again. */
	void spawned() {
		synchronized (this.monitor) {
			this.spawns++;
			this.monitor.notifyAll();
		}
	}

	void stop() {
		synchronized (this.monitor) {
			this.stopped = true;
			this.monitor.notifyAll();
		}
	}

	private void reap() {
		while (true) {
			long spawnsBefore;
			synchronized (this.monitor) {
				if (this.stopped) {
					return;
				}
				spawnsBefore = this.spawns;
			}
			Optional<NativeOs.Reaped> child = this.os.waitAny();
			if (child.isPresent()) {
				this.reaped.accept(child.get());
				continue;
			}
			synchronized (this.monitor) {
				while (this.spawns == spawnsBefore && !this.stopped) {
					try {
						this.monitor.wait();
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}
		}
	}

}
