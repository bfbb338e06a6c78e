package io.github.gracefulrestart.socket;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProcSocketTable}, on real listening sockets of this JVM.
 */
class ProcSocketTableTests {

	private final ProcSocketTable table = new ProcSocketTable();

	@Test
	void findsTheDescriptorOfADualStackSocketOnAllInterfaces() throws Exception {
		try (ServerSocketChannel channel = ServerSocketChannel.open()) {
			channel.bind(new InetSocketAddress(0));
			InetSocketAddress address = (InetSocketAddress) channel.getLocalAddress();
			ListeningSocket socket = this.table.find(address).orElseThrow();
			assertThat(socket.inet6()).isTrue();
			assertThat(socket.address()).isEqualTo(address);
			assertSameSocket(socket.fd(), channel);
		}
	}

	@Test
	void findsASocketOnLoopbackAndTellsItFromAnotherOnTheSamePortFamily() throws Exception {
		try (ServerSocketChannel first = ServerSocketChannel.open();
				ServerSocketChannel second = ServerSocketChannel.open()) {
			first.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			second.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			ListeningSocket one = this.table.find((InetSocketAddress) first.getLocalAddress()).orElseThrow();
			ListeningSocket two = this.table.find((InetSocketAddress) second.getLocalAddress()).orElseThrow();
			assertThat(one.fd()).isNotEqualTo(two.fd());
			assertThat(one.address().getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
			assertThat(this.table.findByFd(one.fd())).contains(one);
		}
	}

	@Test
	void findsNothingForAnAddressThisProcessDoesNotListenOn() throws Exception {
		try (ServerSocketChannel channel = ServerSocketChannel.open()) {
			channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			InetSocketAddress address = (InetSocketAddress) channel.getLocalAddress();
			channel.close();
			assertThat(this.table.find(address)).isEmpty();
		}
	}

	@Test
	void parsesProcAddresses() throws Exception {
		assertThat(ProcSocketTable.parseAddress("0100007F:1F90"))
			.isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080));
		assertThat(ProcSocketTable.parseAddress("00000000000000000000000000000000:0050"))
			.isEqualTo(new InetSocketAddress(InetAddress.getByName("::"), 80));
		assertThat(ProcSocketTable.parseAddress("00000000000000000000000001000000:1F91"))
			.isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 8081));
		assertThat(ProcSocketTable.parseAddress("0000000000000000FFFF00000100007F:1F90"))
			.isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080));
	}

	private static void assertSameSocket(int fd, ServerSocketChannel channel) throws Exception {
		String socket = Descriptors.target(fd);
		assertThat(socket).startsWith("socket:[");
		// Closing the channel must take that socket away from the descriptor: it was the
		// channel's own.
		channel.close();
		assertThat(Descriptors.target(fd)).isNotEqualTo(socket);
	}

}
