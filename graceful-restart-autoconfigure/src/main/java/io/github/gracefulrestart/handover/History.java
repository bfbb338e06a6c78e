package io.github.gracefulrestart.handover;

import java.util.ArrayList;
import java.util.List;

import io.github.gracefulrestart.RestartAttempt;

/**
 * The last restarts, newest first, at most {@value #SIZE}: handed from each generation to
 * the next, so the status shows them across generations. Not thread-safe: its owner's
 * lock guards it.
 */
public final class History {

	/** How many restarts are kept. */
	public static final int SIZE = 20;

	private final List<RestartAttempt> attempts = new ArrayList<>();

	/**
	 * Add the newest restart.
	 * @param attempt the restart
	 */
	public void add(RestartAttempt attempt) {
		this.attempts.add(0, attempt);
		trim();
	}

	/**
	 * Add restarts older than every one held (what the previous generation handed over).
	 * @param older the restarts, newest first
	 */
	public void addOlder(List<RestartAttempt> older) {
		this.attempts.addAll(older);
		trim();
	}

	/**
	 * Return the restarts, newest first.
	 * @return a copy
	 */
	public List<RestartAttempt> list() {
		return List.copyOf(this.attempts);
	}

	/**
	 * Return the restarts with {@code newest} before them, as handed to the next
	 * generation.
	 * @param newest the restart that started the next generation
	 * @return a copy, at most {@value #SIZE}
	 */
	public List<RestartAttempt> with(RestartAttempt newest) {
		List<RestartAttempt> all = new ArrayList<>();
		all.add(newest);
		all.addAll(this.attempts);
		return List.copyOf(all.subList(0, Math.min(SIZE, all.size())));
	}

	private void trim() {
		while (this.attempts.size() > SIZE) {
			this.attempts.remove(this.attempts.size() - 1);
		}
	}

}
