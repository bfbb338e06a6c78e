package io.github.gracefulrestart.handover;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.gracefulrestart.RestartableServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The drain of a generation that handed over, shaped like Spring Boot's own
 * {@code GracefulShutdown}: every server stops accepting (the shared socket stays open
 * for the next generation), then the open connections finish, at most {@code timeout}.
 */
final class Drain {

	private static final Log logger = LogFactory.getLog(Drain.class);

	private final List<RestartableServer> servers;

	private final Duration timeout;

	Drain(List<RestartableServer> servers, Duration timeout) {
		this.servers = servers;
		this.timeout = timeout;
	}

	/**
	 * Stop every server accepting. A server that fails to is logged: the others still
	 * drain.
	 */
	void stopAccepting() {
		for (RestartableServer server : this.servers) {
			try {
				server.stopAccepting();
			}
			catch (RuntimeException ex) {
				logger.error("Could not stop " + server.type() + " accepting cleanly", ex);
			}
		}
	}

	/**
	 * Wait until no connection is open, at most the timeout.
	 * @return how the drain ended and how long it took
	 */
	Outcome await() {
		long start = System.nanoTime();
		long deadline = start + this.timeout.toNanos();
		Result result = Result.IDLE;
		while (openConnections() > 0) {
			if (System.nanoTime() >= deadline) {
				result = Result.TIMED_OUT;
				break;
			}
			try {
				// Tomcat and Jetty offer no callback for "last connection closed"; Spring
				// Boot's own graceful shutdown polls in the same way.
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				result = Result.ABORTED;
				break;
			}
		}
		return new Outcome(result, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
	}

	int openConnections() {
		return this.servers.stream().mapToInt(RestartableServer::openConnections).sum();
	}

	/**
	 * How a drain ended.
	 */
	enum Result {

		/** Every connection finished. */
		IDLE,

		/** Connections were still open at the timeout; they close with the generation. */
		TIMED_OUT,

		/** The draining thread was interrupted. */
		ABORTED

	}

	/**
	 * How a drain ended, and after how long.
	 *
	 * @param result how it ended
	 * @param millis how long it took
	 */
	record Outcome(Result result, long millis) {

	}

}
