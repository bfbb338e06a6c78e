package io.github.gracefulrestart.socket;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InheritedListeners}: real listening sockets, duplicated the way a
 * child inherits them, adopted and accepting real connections. Needs
 * {@code --add-opens=java.base/sun.nio.ch=ALL-UNNAMED}, as a new generation has.
 */
class InheritedListenersTests {

	private final POSIX posix = POSIXFactory.getNativePOSIX();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void claimAdoptsTheMatchingSocketWhichThenAcceptsConnections() throws Exception {
		InheritedListener inherited = inheritLoopbackSocket("server");
		InheritedListeners listeners = new InheritedListeners(List.of(inherited));
		ServerSocketChannel adopted = listeners.claim("server", InetAddress.getLoopbackAddress(), 0).orElseThrow();
		this.closeables.add(adopted);
		assertThat(adopted.getLocalAddress()).isEqualTo(inherited.address());
		try (Socket client = new Socket()) {
			client.connect(inherited.address(), 10_000);
			try (SocketChannel accepted = adopted.accept()) {
				assertThat(accepted.getRemoteAddress()).isEqualTo(client.getLocalSocketAddress());
			}
		}
		assertThat(listeners.claimed()).containsExactly(inherited);
	}

	@Test
	void claimMatchesByNameAndConfiguredPortNotByOrder() throws Exception {
		InheritedListener management = inheritLoopbackSocket("management");
		InheritedListener server = inheritLoopbackSocket("server");
		InheritedListeners listeners = new InheritedListeners(List.of(management, server));
		int serverPort = server.address().getPort();
		ServerSocketChannel adopted = listeners.claim("server", InetAddress.getLoopbackAddress(), serverPort)
			.orElseThrow();
		this.closeables.add(adopted);
		assertThat(adopted.getLocalAddress()).isEqualTo(server.address());
		assertThat(listeners.claim("server", InetAddress.getLoopbackAddress(), 0)).isEmpty();
	}

	@Test
	void aListenerWhosePortOrAddressChangedBindsAnewAndTheOldSocketIsClosed() throws Exception {
		InheritedListener server = inheritLoopbackSocket("server");
		InheritedListeners listeners = new InheritedListeners(List.of(server));
		int otherPort = server.address().getPort() == 65000 ? 65001 : 65000;
		assertThat(listeners.claim("server", InetAddress.getLoopbackAddress(), otherPort)).isEmpty();
		assertThat(listeners.claim("server", null, 0)).as("all interfaces is not loopback").isEmpty();
		String socket = Descriptors.target(server.fd());
		listeners.closeUnclaimed(this.posix::close);
		assertThat(Descriptors.target(server.fd())).isNotEqualTo(socket);
	}

	/**
	 * A loopback listening socket, and a duplicate of its descriptor as a child would
	 * inherit it.
	 */
	private InheritedListener inheritLoopbackSocket(String name) throws Exception {
		ServerSocketChannel original = ServerSocketChannel.open();
		this.closeables.add(original);
		original.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		ListeningSocket socket = new ProcSocketTable().find((InetSocketAddress) original.getLocalAddress())
			.orElseThrow();
		int duplicate = this.posix.dup(socket.fd());
		return new InheritedListener(name, duplicate, socket.inet6(), socket.address());
	}

}
