package io.github.gracefulrestart.autoconfigure;

/**
 * The server-sent event streams a generation has open, servlet ({@link EventStreams}) or
 * reactive ({@link ReactiveEventStreams}), which it ends once it has handed over.
 */
interface OpenEventStreams {

	/**
	 * Return how many streams are open.
	 * @return the number of streams
	 */
	int open();

	/**
	 * End every open stream, and every stream that starts from now on.
	 * @return how many were open
	 */
	int endAll();

}
