package io.github.gracefulrestart;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * A running web server as the restart machinery sees it: the listeners whose sockets go
 * to the next generation, and the drain. One implementation per server technology
 * (Tomcat, Jetty, ...).
 */
public interface RestartableServer {

	/**
	 * Return the kind of server, such as {@code tomcat}.
	 * @return the kind
	 */
	String type();

	/**
	 * Return the listeners this server serves, each with its bound local address.
	 * @return the listeners
	 */
	List<Listener> listeners();

	/**
	 * Start accepting on the inherited sockets. A new generation holds them back until it
	 * is ready, so that one that fails or hangs while starting has accepted no client.
	 */
	void startAccepting();

	/**
	 * Stop accepting connections without shutting the listening sockets down: they stay
	 * open for the next generation, and connections in their backlog go to it.
	 * Connections already accepted keep being served, each closing after its current
	 * request.
	 */
	void stopAccepting();

	/**
	 * Return how many client connections are still open.
	 * @return the number of connections
	 */
	int openConnections();

	/**
	 * Close the WebSocket connections this server holds that no Jakarta WebSocket
	 * container lists (Jetty's, whose Jakarta container does not track the sessions
	 * Spring upgrades), with a close frame: called once this server stopped accepting,
	 * before the drain waits.
	 * @param status the close status
	 * @param reason the close reason
	 * @return how many were closed
	 */
	default int closeWebSockets(int status, String reason) {
		return 0;
	}

	/**
	 * Return how many of the open connections are WebSocket connections that no Jakarta
	 * WebSocket container lists (see {@link #closeWebSockets}).
	 * @return the number of such connections
	 */
	default int webSockets() {
		return 0;
	}

	/**
	 * Open a way into this server that no client can reach (not the shared sockets), to
	 * warm it up before it accepts: a request sent through it takes the server's whole
	 * request path.
	 * @return the channel, empty when this server offers none
	 * @throws IOException when it cannot be opened
	 */
	default Optional<PrivateChannel> openPrivateChannel() throws IOException {
		return Optional.empty();
	}

	/**
	 * A private way into a server, closed once the warm-up is over.
	 */
	interface PrivateChannel extends AutoCloseable {

		/**
		 * Send {@code GET path} and read the whole response.
		 * @param path the path, with its query
		 * @return the response's status code
		 * @throws IOException when the exchange fails
		 */
		int get(String path) throws IOException;

		@Override
		void close();

	}

	/**
	 * A listener: a name that the next generation matches it by, and its local address.
	 *
	 * @param name the name ({@code server}, {@code management}, ...)
	 * @param address the bound local address
	 */
	record Listener(String name, InetSocketAddress address) {

	}

}
