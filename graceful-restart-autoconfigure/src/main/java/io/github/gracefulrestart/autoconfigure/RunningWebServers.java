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
 * Every web server of the application, the main one and a separate management server alike (the
 * management child context publishes its event to the parent too), as restartable servers.
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
	 * Stop every web server at once, after the restart machinery drained them. Spring Boot's own
	 * graceful shutdown would otherwise wait again (up to {@code
	 * spring.lifecycle.timeout-per-shutdown-phase}) for a request the drain already gave up on, and
	 * its {@code pause()} would answer a late request on a kept-alive connection with 503. A
	 * stopped server's graceful shutdown is aborted, so the context then closes without waiting
	 * (each server's support says how it ends: {@link WebServerRestartSupport#endDrained}).
	 */
	void stopAll() {
		for (WebServer webServer : this.webServers) {
			try {
				this.supports.stream()
					.filter((support) -> support.adapt(webServer).isPresent())
					.findFirst()
					.ifPresentOrElse((support) -> support.endDrained(webServer), webServer::stop);
			}
			catch (RuntimeException ex) {
				logger.warn("Could not stop " + webServer + " after the drain: " + ex.getMessage());
			}
		}
	}

}
