package io.github.gracefulrestart.jetty;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.github.gracefulrestart.RestartableServer.PrivateChannel;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;

/**
 * A Jetty {@link LocalConnector}: the requests of the warm-up go through Jetty's parser
 * and handlers in memory, no socket at all, so no client can reach it. Removed on
 * {@link #close()}.
 */
final class JettyPrivateChannel implements PrivateChannel {

	private static final long TIMEOUT_SECONDS = 30;

	private final Server server;

	private final LocalConnector connector;

	private JettyPrivateChannel(Server server, LocalConnector connector) {
		this.server = server;
		this.connector = connector;
	}

	static JettyPrivateChannel open(Server server) throws IOException {
		LocalConnector connector = new LocalConnector(server, new HttpConnectionFactory(new HttpConfiguration()));
		connector.setName("graceful-restart-warmup");
		server.addConnector(connector);
		try {
			connector.start();
		}
		catch (Exception ex) {
			server.removeConnector(connector);
			throw new IOException("the warm-up connector did not start: " + ex.getMessage(), ex);
		}
		return new JettyPrivateChannel(server, connector);
	}

	@Override
	public int get(String path) throws IOException {
		String response;
		try {
			response = this.connector.getResponse(
					"GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", TIMEOUT_SECONDS,
					TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IOException("GET " + path + " failed: " + ex.getMessage(), ex);
		}
		if (response == null || !response.startsWith("HTTP/1.1 ") || response.length() < 12) {
			throw new IOException("GET " + path + ": no response within " + TIMEOUT_SECONDS + " s");
		}
		return Integer.parseInt(response.substring(9, 12));
	}

	@Override
	public void close() {
		try {
			this.connector.stop();
		}
		catch (Exception ex) {
			// stopping a local connector frees memory only
		}
		this.server.removeConnector(this.connector);
	}

}
