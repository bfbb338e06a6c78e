package io.github.gracefulrestart.autoconfigure.event;

/**
 * Published in a new generation once it took over: it accepts on the shared sockets, and
 * the previous generation was told to stop accepting and drain.
 */
public class TakeoverEvent extends GracefulRestartEvent {

	/**
	 * Create the event.
	 * @param source what publishes it
	 * @param generation this generation's number
	 */
	public TakeoverEvent(Object source, int generation) {
		super(source, generation);
	}

}
