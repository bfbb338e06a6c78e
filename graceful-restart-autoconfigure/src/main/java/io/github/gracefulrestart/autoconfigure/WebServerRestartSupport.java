package io.github.gracefulrestart.autoconfigure;

import java.util.Optional;

import io.github.gracefulrestart.RestartableServer;

import org.springframework.boot.web.server.WebServer;

/**
 * Adapts the web servers of one technology to the restart machinery. One bean per
 * supported server (Tomcat, Jetty, ...).
 */
@FunctionalInterface
public interface WebServerRestartSupport {

	/**
	 * Return the restart view of {@code webServer}, if it is of this technology.
	 * @param webServer a running web server
	 * @return the restartable server, or empty
	 */
	Optional<RestartableServer> adapt(WebServer webServer);

	/**
	 * End a drained web server of this technology before the context closes: what the
	 * drain timeout left open is closed, and the context's own graceful shutdown then has
	 * nothing to wait for. By default the server is stopped (a stopped Tomcat or Jetty
	 * aborts its graceful shutdown).
	 * @param webServer a web server this support adapts
	 */
	default void endDrained(WebServer webServer) {
		webServer.stop();
	}

}
