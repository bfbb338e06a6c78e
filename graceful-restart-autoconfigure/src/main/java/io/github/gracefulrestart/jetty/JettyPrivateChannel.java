package io.github.gracefulrestart.jetty;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.github.gracefulrestart.RestartableServer.PrivateChannel;
import io.github.gracefulrestart.socket.PrivateUnixSocket;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The warm-up's way into a Jetty server that no client can reach: connections over a Unix domain
 * socket in a directory only this user can enter, each handed to the selector of the server's own
 * {@link ServerConnector}. The requests go through the same endpoint, selector, connection and
 * parser code as a client's, so that code is compiled before the first client arrives (an
 * in-memory {@link LocalConnector} left it cold). Nothing is added to the server; a server
 * without a started {@code ServerConnector} is warmed up through a {@code LocalConnector}.
 */
final class JettyPrivateChannel implements PrivateChannel {

	private final ServerSocketChannel acceptor;

	private final PrivateUnixSocket socket;

	private final Thread thread;

	private JettyPrivateChannel(ServerConnector connector, ServerSocketChannel acceptor, PrivateUnixSocket socket) {
		this.acceptor = acceptor;
		this.socket = socket;
		this.thread = new Thread(() -> accept(connector), "graceful-restart-warmup-acceptor");
		this.thread.setDaemon(true);
	}

	static PrivateChannel open(Server server) throws IOException {
		for (Connector connector : server.getConnectors()) {
			if (connector instanceof ServerConnector serverConnector && serverConnector.isStarted()) {
				return open(serverConnector, Path.of(System.getProperty("java.io.tmpdir")));
			}
		}
		return InMemory.open(server);
	}

	static JettyPrivateChannel open(ServerConnector connector, Path tmpDir) throws IOException {
		PrivateUnixSocket socket = PrivateUnixSocket.create(tmpDir);
		ServerSocketChannel acceptor = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		try {
			acceptor.bind(UnixDomainSocketAddress.of(socket.path()));
		}
		catch (IOException ex) {
			acceptor.close();
			socket.close();
			throw ex;
		}
		JettyPrivateChannel channel = new JettyPrivateChannel(connector, acceptor, socket);
		channel.thread.start();
		return channel;
	}

	private void accept(ServerConnector connector) {
		while (this.acceptor.isOpen()) {
			SocketChannel accepted;
			try {
				accepted = this.acceptor.accept();
			}
			catch (IOException ex) {
				return; // closed
			}
			try {
				accepted.configureBlocking(false);
				connector.getSelectorManager().accept(accepted);
			}
			catch (IOException | RuntimeException ex) {
				// The request on it fails, and the warm-up counts the error.
				try {
					accepted.close();
				}
				catch (IOException closeFailure) {
					ex.addSuppressed(closeFailure);
				}
			}
		}
	}

	@Override
	public int get(String path) throws IOException {
		return this.socket.get(path);
	}

	@Override
	public void close() {
		try {
			this.acceptor.close();
		}
		catch (IOException ex) {
			// closed already
		}
		this.socket.close();
	}

	/**
	 * A {@link LocalConnector}: the requests go through Jetty's parser and handlers in memory, no
	 * socket at all. Removed on {@link #close()}.
	 */
	static final class InMemory implements PrivateChannel {

		private static final long TIMEOUT_SECONDS = 30;

		private final Server server;

		private final LocalConnector connector;

		private InMemory(Server server, LocalConnector connector) {
			this.server = server;
			this.connector = connector;
		}

		static InMemory open(Server server) throws IOException {
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
			return new InMemory(server, connector);
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

}
