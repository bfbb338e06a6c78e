package io.github.gracefulrestart.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.github.gracefulrestart.RestartableServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Every web server of the application, the main one and a separate management server
 * alike (the management child context publishes its event to the parent too), as
 * restartable servers.
 */
class RunningWebServers implements ApplicationListener<WebServerInitializedEvent>, Supplier<List<RestartableServer>> {

	private static final Log logger = LogFactory.getLog(RunningWebServers.class);

	private final List<WebServer> webServers = new CopyOnWriteArrayList<>();

	private final List<WebServerRestartSupport> supports;

	RunningWebServers(List<WebServerRestartSupport> supports) {
		this.supports = supports;
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if (!this.webServers.contains(event.getWebServer())) {
			this.webServers.add(event.getWebServer());
		}
	}

	@Override
	public List<RestartableServer> get() {
		List<RestartableServer> servers = new ArrayList<>();
		for (WebServer webServer : this.webServers) {
			this.supports.stream()
				.map((support) -> support.adapt(webServer))
				.flatMap(java.util.Optional::stream)
				.findFirst()
				.ifPresent(servers::add);
		}
		return servers;
	}

	/**
	 * End every web server the drain did not leave idle, after the restart machinery
	 * drained them. An idle one is left to Spring Boot's own graceful shutdown, which
	 * then finds no request to wait for and says "Graceful shutdown complete" (a stopped
	 * Tomcat or Jetty aborts it instead, and Spring Boot 4.0.x then logs "Graceful
	 * shutdown aborted with one or more requests still active" even with none). One the
	 * drain timeout cut is ended at once (each server's support says how:
	 * {@link WebServerRestartSupport#endDrained}): Spring Boot's graceful shutdown would
	 * otherwise wait again (up to {@code spring.lifecycle.timeout-per-shutdown-phase})
	 * for a request the drain already gave up on, and its {@code pause()} would answer a
	 * late request on a kept-alive connection with 503.
	 */
	void stopAll() {
		for (WebServer webServer : this.webServers) {
			try {
				WebServerRestartSupport support = this.supports.stream()
					.filter((candidate) -> candidate.adapt(webServer).isPresent())
					.findFirst()
					.orElse(null);
				if (support == null) {
					webServer.stop();
				}
				else if (support.adapt(webServer).get().openConnections() > 0) {
					support.endDrained(webServer);
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Could not stop " + webServer + " after the drain: " + ex.getMessage());
			}
		}
	}

}
