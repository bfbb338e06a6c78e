package io.github.gracefulrestart.handover;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.gracefulrestart.process.JnrNativeOs;
import io.github.gracefulrestart.socket.InheritedListener;
import io.github.gracefulrestart.socket.ListeningSocket;
import io.github.gracefulrestart.socket.ProcSocketTable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Handoff}: the environment contract between generations.
 */
class HandoffTests {

	private final JnrNativeOs os = JnrNativeOs.load();

	@Test
	void childEnvironmentDescribesTheSocketsInOrderAndReplacesAnEarlierHandoff() throws Exception {
		ListeningSocket server = new ListeningSocket(17, new InetSocketAddress(InetAddress.getByName("::"), 8080),
				true);
		ListeningSocket management = new ListeningSocket(21,
				new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8081), false);
		Map<String, String> environment = Map.of("PATH", "/bin", Handoff.LISTENERS, "stale", Handoff.GENERATION, "2",
				"LISTEN_PID", "1", "LISTEN_FDS", "1");
		List<String> child = Handoff.childEnvironment(environment, List.of("server", "management"), List.of("server"),
				List.of(server, management), 3, 4242, null);
		assertThat(child).containsExactlyInAnyOrder("PATH=/bin",
				Handoff.LISTENERS + "=server;3;6;0:0:0:0:0:0:0:0;8080;activated,management;4;4;127.0.0.1;8081",
				Handoff.CHANNEL + "=5", Handoff.GENERATION + "=3", Handoff.PARENT_PID + "=4242");
	}

	@Test
	void aSupervisorsFirstGenerationHasNoParentButKnowsItsSupervisor() throws Exception {
		ListeningSocket server = new ListeningSocket(9, new InetSocketAddress(InetAddress.getByName("::"), 8080), true);
		List<String> child = Handoff.childEnvironment(Map.of("PATH", "/bin", Handoff.PARENT_PID, "7"),
				List.of("server"), List.of(), List.of(server), 1, null, 1);
		assertThat(child).containsExactlyInAnyOrder("PATH=/bin", Handoff.LISTENERS + "=server;3;6;0:0:0:0:0:0:0:0;8080",
				Handoff.CHANNEL + "=4", Handoff.GENERATION + "=1", Handoff.SUPERVISOR_PID + "=1");
	}

	@Test
	void describedListenersParseBack() throws Exception {
		List<InheritedListener> listeners = Handoff
			.parseListeners("server;3;6;0:0:0:0:0:0:0:0;8080;activated,management;4;4;127.0.0.1;8081");
		assertThat(listeners).containsExactly(
				new InheritedListener("server", 3, true, new InetSocketAddress(InetAddress.getByName("::"), 8080),
						true),
				new InheritedListener("management", 4, false,
						new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8081)));
		assertThatIllegalArgumentException().isThrownBy(() -> Handoff.parseListeners("server;3;6"))
			.withMessageContaining(Handoff.LISTENERS);
	}

	@Test
	void aDescribedSocketThatIsReallyThereIsInherited() throws Exception {
		try (ServerSocketChannel channel = ServerSocketChannel.open()) {
			channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			ListeningSocket socket = new ProcSocketTable().find((InetSocketAddress) channel.getLocalAddress())
				.orElseThrow();
			// A duplicate, as a child inherits it: the adopted channel owns it, not the
			// test's channel.
			int inherited = jnr.posix.POSIXFactory.getNativePOSIX().dup(socket.fd());
			Handoff handoff = Handoff.fromEnvironment(environment(inherited, socket), this.os, new ProcSocketTable());
			assertThat(handoff.generation()).isEqualTo(2);
			assertThat(handoff.parentPid()).contains(999);
			assertThat(handoff.channel()).isPresent();
			try (ServerSocketChannel adopted = handoff.listeners()
				.claim("server", InetAddress.getLoopbackAddress(), 0)
				.orElseThrow()) {
				assertThat(adopted.getLocalAddress()).isEqualTo(channel.getLocalAddress());
			}
		}
	}

	@Test
	void aSupervisedGenerationReadsItsSupervisorAndMayHaveNoParent() throws Exception {
		try (ServerSocketChannel channel = ServerSocketChannel.open()) {
			channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			ListeningSocket socket = new ProcSocketTable().find((InetSocketAddress) channel.getLocalAddress())
				.orElseThrow();
			int inherited = jnr.posix.POSIXFactory.getNativePOSIX().dup(socket.fd());
			Map<String, String> environment = environment(inherited, socket);
			environment.remove(Handoff.PARENT_PID);
			environment.put(Handoff.SUPERVISOR_PID, "1");
			Handoff handoff = Handoff.fromEnvironment(environment, this.os, new ProcSocketTable());
			assertThat(handoff.parentPid()).isEmpty();
			assertThat(handoff.supervisorPid()).contains(1);
			handoff.listeners().closeUnclaimed(this.os::close);
		}
	}

	@Test
	void anEnvironmentCopiedIntoAProcessWithoutTheSocketsIsIgnored() throws Exception {
		try (ServerSocketChannel channel = ServerSocketChannel.open()) {
			channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			ListeningSocket socket = new ProcSocketTable().find((InetSocketAddress) channel.getLocalAddress())
				.orElseThrow();
			// The description names fd 0, which is no listening socket here.
			Handoff handoff = Handoff.fromEnvironment(environment(0, socket), this.os, new ProcSocketTable());
			assertThat(handoff.generation()).isEqualTo(1);
			assertThat(handoff.channel()).isEmpty();
		}
	}

	@Test
	void noDescriptionMeansAFirstGeneration() {
		Handoff handoff = Handoff.fromEnvironment(Map.of("PATH", "/bin"), this.os, new ProcSocketTable());
		assertThat(handoff.generation()).isEqualTo(1);
		assertThat(handoff.parentPid()).isEmpty();
	}

	private static Map<String, String> environment(int fd, ListeningSocket socket) {
		Map<String, String> environment = new HashMap<>();
		environment.put(Handoff.LISTENERS, "server;" + fd + ";" + (socket.inet6() ? "6" : "4") + ";"
				+ socket.address().getAddress().getHostAddress() + ";" + socket.address().getPort());
		environment.put(Handoff.CHANNEL, "99999");
		environment.put(Handoff.GENERATION, "2");
		environment.put(Handoff.PARENT_PID, "999");
		return environment;
	}

}
