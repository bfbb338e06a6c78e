package io.github.gracefulrestart;

import java.util.List;

/**
 * A web server for unit tests: the listeners it reports, the connections a test says it
 * holds, and whether it was told to stop accepting. Tests that need more (a real socket,
 * a private channel) extend it.
 */
public class FakeServer implements RestartableServer {

	/** Whether {@link #stopAccepting()} was called. */
	public volatile boolean stoppedAccepting;

	/** What {@link #openConnections()} returns. */
	public volatile int openConnections;

	private final String type;

	private final List<Listener> listeners;

	/** A server with no listeners and no connections. */
	public FakeServer() {
		this("test", List.of());
	}

	/**
	 * A server of the given type with the given listeners.
	 * @param type the type it reports
	 * @param listeners the listeners it reports
	 */
	public FakeServer(String type, List<Listener> listeners) {
		this.type = type;
		this.listeners = listeners;
	}

	/**
	 * Set the connections this server holds.
	 * @param connections the number of open connections
	 * @return this server
	 */
	public FakeServer holding(int connections) {
		this.openConnections = connections;
		return this;
	}

	@Override
	public String type() {
		return this.type;
	}

	@Override
	public List<Listener> listeners() {
		return this.listeners;
	}

	@Override
	public void startAccepting() {
	}

	@Override
	public void stopAccepting() {
		this.stoppedAccepting = true;
	}

	@Override
	public int openConnections() {
		return this.openConnections;
	}

}
