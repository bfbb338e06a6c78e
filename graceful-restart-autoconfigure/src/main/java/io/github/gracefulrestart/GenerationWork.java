package io.github.gracefulrestart;

import java.util.List;

/**
 * A generation's background work (scheduled tasks, message listener containers, any
 * lifecycle bean that works on its own rather than answering requests), which must never
 * run in two generations at once. A new generation that takes over from a serving one
 * defers its work; the serving one stops its own as it hands over, before it drains, and
 * says so; the new one then starts its work. A generation with no predecessor starts its
 * work as without this library.
 */
public interface GenerationWork {

	/** No background work to hand over. */
	GenerationWork NONE = new GenerationWork() {

		@Override
		public List<String> stop() {
			return List.of();
		}

		@Override
		public void start() {
		}

	};

	/**
	 * Stop this generation's background work, letting what runs finish, for a bounded
	 * time.
	 * @return what did not stop in time, by name; empty when all of it stopped
	 */
	List<String> stop();

	/**
	 * Start the background work this generation deferred while its predecessor still ran
	 * its own; nothing to do when it deferred none.
	 */
	void start();

}
