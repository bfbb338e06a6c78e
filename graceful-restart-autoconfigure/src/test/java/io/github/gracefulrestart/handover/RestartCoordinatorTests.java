package io.github.gracefulrestart.handover;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.gracefulrestart.FakeServer;
import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartResult;
import io.github.gracefulrestart.RestartSettings;
import io.github.gracefulrestart.RestartState;
import io.github.gracefulrestart.process.ChildCommandLine;
import io.github.gracefulrestart.process.JnrNativeOs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RestartCoordinator}, with shell scripts as real child processes
 * standing in for the next generation, and a real listening socket as the server.
 */
class RestartCoordinatorTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private final JnrNativeOs os = JnrNativeOs.load();

	private final CompletableFuture<RestartAttempt> handedOver = new CompletableFuture<>();

	private SocketServer server;

	@TempDir
	Path dir;

	@AfterEach
	void closeServer() throws IOException {
		if (this.server != null) {
			this.server.channel.close();
		}
	}

	@Test
	void whenChildReportsReadyThenServersStopAcceptingAndItHearsDrained() throws Exception {
		Path seen = this.dir.resolve("seen");
		RestartCoordinator coordinator = coordinator(settings(WAIT), "readlink /proc/$$/fd/3 > " + seen
				+ "; echo \"$GRACEFUL_RESTART_LISTENERS\" >> " + seen
				+ "; echo READY >&$GRACEFUL_RESTART_CHANNEL; read work <&$GRACEFUL_RESTART_CHANNEL; read reply <&$GRACEFUL_RESTART_CHANNEL; "
				+ "echo \"$work $reply\" >> " + seen);
		RestartRequest request = coordinator.requestRestart("SIGHUP");
		assertThat(request.accepted()).isTrue();
		RestartAttempt attempt = this.handedOver.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(attempt.result()).isEqualTo(RestartResult.SUCCEEDED);
		assertThat(attempt.trigger()).isEqualTo("SIGHUP");
		assertThat(attempt.oldPid()).isEqualTo(this.os.pid());
		assertThat(attempt.newPid()).isPositive();
		assertThat(this.server.stoppedAccepting).isTrue();
		assertThat(coordinator.status().state()).isEqualTo(RestartState.DRAINING);
		await().atMost(WAIT).until(() -> Files.exists(seen) && Files.readAllLines(seen).size() == 3);
		List<String> lines = Files.readAllLines(seen);
		assertThat(lines.get(0)).isEqualTo(this.server.socketLink());
		InetSocketAddress address = this.server.address();
		assertThat(lines.get(1))
			.isEqualTo("server;3;6;" + address.getAddress().getHostAddress() + ";" + address.getPort());
		assertThat(lines.get(2)).startsWith("WORKSTOPPED DRAINED ");
		List<RestartAttempt> handedOver = RestartAttempt.decode(lines.get(2).split(" ")[3]);
		assertThat(handedOver).extracting(RestartAttempt::id).containsExactly(attempt.id());
		await().atMost(WAIT).until(() -> !Files.exists(Path.of("/proc/" + attempt.newPid())));
	}

	@Test
	void whenChildExitsBeforeReadyThenRestartFailsWithItsExitStatusAndNothingChanges() {
		RestartCoordinator coordinator = coordinator(settings(WAIT), "echo 'bad config' >&2; exit 3");
		coordinator.requestRestart("ENDPOINT");
		RestartAttempt attempt = awaitFinished(coordinator);
		assertThat(attempt.result()).isEqualTo(RestartResult.FAILED);
		assertThat(attempt.message()).contains("ended before it was ready: exit code 3");
		assertThat(attempt.durationMs()).isPositive();
		assertThat(Files.exists(Path.of("/proc/" + attempt.newPid()))).as("reaped").isFalse();
		assertThat(this.server.stoppedAccepting).isFalse();
		assertThat(this.handedOver).isNotDone();
		assertThat(coordinator.status().state()).isEqualTo(RestartState.SERVING);
		assertThat(coordinator.status().history()).containsExactly(attempt);
	}

	@Test
	void whenChildNeverReportsReadyThenItIsStoppedAndReportedTimedOut() {
		RestartCoordinator coordinator = coordinator(settings(Duration.ofSeconds(1)), "exec sleep 600");
		coordinator.requestRestart("SIGHUP");
		RestartAttempt attempt = awaitFinished(coordinator);
		assertThat(attempt.result()).isEqualTo(RestartResult.TIMED_OUT);
		assertThat(Files.exists(Path.of("/proc/" + attempt.newPid()))).as("stopped and reaped").isFalse();
		assertThat(this.server.stoppedAccepting).isFalse();
	}

	@Test
	void whenAHungChildIgnoresSigtermThenItIsKilled() {
		RestartCoordinator coordinator = coordinator(settings(Duration.ofSeconds(1)), "trap '' TERM; exec sleep 600");
		coordinator.requestRestart("SIGHUP");
		RestartAttempt attempt = awaitFinished(coordinator);
		assertThat(attempt.result()).isEqualTo(RestartResult.TIMED_OUT);
		assertThat(Files.exists(Path.of("/proc/" + attempt.newPid()))).as("killed and reaped").isFalse();
	}

	@Test
	void aRequestWhileARestartRunsStartsNothingAndReturnsTheRunningAttempt() {
		RestartCoordinator coordinator = coordinator(settings(Duration.ofSeconds(3)), "exec sleep 600");
		RestartRequest first = coordinator.requestRestart("SIGHUP");
		RestartRequest second = coordinator.requestRestart("ENDPOINT");
		assertThat(first.accepted()).isTrue();
		assertThat(second.accepted()).isFalse();
		assertThat(second.attempt().id()).isEqualTo(first.attempt().id());
		assertThat(second.reason()).contains("RESTARTING");
		RestartAttempt attempt = awaitFinished(coordinator);
		assertThat(coordinator.status().history()).containsExactly(attempt);
	}

	@Test
	void aRequestBeforeThisGenerationIsReadyStartsNothing() throws IOException {
		this.server = SocketServer.open();
		RestartCoordinator coordinator = new RestartCoordinator(settings(WAIT), this.os, Handoff.none(),
				() -> List.of(this.server), () -> script("exit 0"), this.handedOver::complete);
		RestartRequest request = coordinator.requestRestart("SIGHUP");
		assertThat(request.accepted()).isFalse();
		assertThat(request.reason()).contains("not ready");
	}

	private RestartCoordinator coordinator(RestartSettings settings, String script) {
		try {
			this.server = SocketServer.open();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		RestartCoordinator coordinator = new RestartCoordinator(settings, this.os, Handoff.none(),
				() -> List.of(this.server), () -> script(script), this.handedOver::complete);
		coordinator.ready();
		return coordinator;
	}

	private static ChildCommandLine script(String script) {
		return new ChildCommandLine("/bin/sh", List.of("-c", script));
	}

	private static RestartSettings settings(Duration startupTimeout) {
		return new RestartSettings(startupTimeout, Duration.ofSeconds(5), Duration.ofSeconds(1));
	}

	private static RestartAttempt awaitFinished(RestartCoordinator coordinator) {
		return await().atMost(WAIT)
			.until(() -> coordinator.status().history().stream().findFirst().orElse(null),
					(attempt) -> attempt != null);
	}

	/** A real listening socket as the server. */
	static final class SocketServer extends FakeServer {

		final ServerSocketChannel channel;

		private SocketServer(ServerSocketChannel channel) throws IOException {
			super("socket", List.of(new Listener("server", (InetSocketAddress) channel.getLocalAddress())));
			this.channel = channel;
		}

		static SocketServer open() throws IOException {
			ServerSocketChannel channel = ServerSocketChannel.open();
			channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			return new SocketServer(channel);
		}

		InetSocketAddress address() {
			return listeners().get(0).address();
		}

		String socketLink() throws IOException {
			int fd = new io.github.gracefulrestart.socket.ProcSocketTable().find(address()).orElseThrow().fd();
			return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
		}

	}

}
