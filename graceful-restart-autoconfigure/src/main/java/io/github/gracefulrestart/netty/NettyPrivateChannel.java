package io.github.gracefulrestart.netty;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BiFunction;

import io.github.gracefulrestart.RestartableServer.PrivateChannel;
import io.github.gracefulrestart.socket.PrivateSocket;
import org.reactivestreams.Publisher;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A Reactor Netty server on a Unix domain socket in a directory only this user can enter,
 * serving the application's own handler: the requests of the warm-up go through Netty's
 * codec and the application's web handler, and no client can reach it. Disposed on
 * {@link #close()}.
 */
final class NettyPrivateChannel implements PrivateChannel {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final DisposableServer server;

	private final PrivateSocket socket;

	private NettyPrivateChannel(DisposableServer server, PrivateSocket socket) {
		this.server = server;
		this.socket = socket;
	}

	static NettyPrivateChannel open(
			BiFunction<? super HttpServerRequest, ? super HttpServerResponse, ? extends Publisher<Void>> handler)
			throws IOException {
		PrivateSocket socket = PrivateSocket.create(Path.of(System.getProperty("java.io.tmpdir")));
		try {
			DisposableServer server = HttpServer.create()
				.bindAddress(() -> UnixDomainSocketAddress.of(socket.path()))
				.handle(handler)
				.bindNow(TIMEOUT);
			return new NettyPrivateChannel(server, socket);
		}
		catch (RuntimeException ex) {
			socket.delete();
			throw new IOException("the warm-up server on " + socket.path() + " did not start: " + ex.getMessage(), ex);
		}
	}

	/** The private directory the socket is in. */
	Path directory() {
		return this.socket.directory();
	}

	@Override
	public int get(String path) throws IOException {
		return this.socket.get(path);
	}

	@Override
	public void close() {
		try {
			this.server.disposeNow(TIMEOUT);
		}
		catch (RuntimeException ex) {
			// disposed as far as it goes: the socket file goes below
		}
		this.socket.delete();
	}

}
