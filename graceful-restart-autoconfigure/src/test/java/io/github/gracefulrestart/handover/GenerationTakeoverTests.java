package io.github.gracefulrestart.handover;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.gracefulrestart.FakeServer;
import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartListener;
import io.github.gracefulrestart.RestartResult;
import io.github.gracefulrestart.RestartSettings;
import io.github.gracefulrestart.RestartState;
import io.github.gracefulrestart.process.JnrNativeOs;
import io.github.gracefulrestart.socket.ListeningSocket;
import io.github.gracefulrestart.socket.ProcSocketTable;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the new generation's side of the handshake: this JVM plays generation 2, the
 * test plays generation 1 on the other end of a real socket pair.
 */
class GenerationTakeoverTests {

	private final JnrNativeOs os = JnrNativeOs.load();

	@Test
	void readyGenerationReportsReadyAndTakesOverTheHistoryHandedToIt() throws Exception {
		try (ServerSocketChannel server = ServerSocketChannel.open()) {
			server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			ListeningSocket socket = new ProcSocketTable().find((InetSocketAddress) server.getLocalAddress())
				.orElseThrow();
			int[] pair = this.os.socketPair();
			int inherited = POSIXFactory.getNativePOSIX().dup(socket.fd());
			Map<String, String> environment = Map.of(Handoff.LISTENERS,
					"server;" + inherited + ";" + (socket.inet6() ? 6 : 4) + ";"
							+ socket.address().getAddress().getHostAddress() + ";" + socket.address().getPort(),
					Handoff.CHANNEL, String.valueOf(pair[1]), Handoff.GENERATION, "2", Handoff.PARENT_PID, "4100");
			Handoff handoff = Handoff.fromEnvironment(environment, this.os, new ProcSocketTable());
			CompletableFuture<Duration> drain = new CompletableFuture<>();
			RestartCoordinator coordinator = new RestartCoordinator(
					new RestartSettings(Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofSeconds(1)), this.os,
					handoff, List::of, () -> null, (attempt) -> {
					});
			coordinator.addListener(new RestartListener() {
				@Override
				public void restartSucceeded(RestartAttempt attempt, Duration took) {
					drain.complete(took);
				}
			});
			coordinator.addListener(new RestartListener() {
				@Override
				public void restartSucceeded(RestartAttempt attempt, Duration took) {
					throw new IllegalStateException("a failing listener breaks nothing");
				}
			});
			assertThat(coordinator.status().parentPid()).isEqualTo(4100);
			coordinator.ready();
			try (HandoverChannel previous = new HandoverChannel(this.os, pair[0])) {
				assertThat(previous.receive()).isEqualTo(new Message.Ready());
				RestartAttempt succeeded = new RestartAttempt("r2", "SIGHUP", RestartResult.SUCCEEDED, Instant.now(),
						4210L, 4100, this.os.pid(), "took over");
				RestartAttempt failed = new RestartAttempt("r1", "ENDPOINT", RestartResult.FAILED, Instant.now(), 12L,
						4100, 4000, "exit code 1");
				previous.send(new Message.Drained(42, List.of(succeeded, failed)));
				assertThat(drain.get(30, TimeUnit.SECONDS)).isEqualTo(Duration.ofMillis(42));
				assertThat(coordinator.status().lastRestart()).isEqualTo(succeeded);
				assertThat(coordinator.status().history()).containsExactly(succeeded, failed);
				// Drained but not exited (closing its context): one restart at a time.
				RestartRequest early = coordinator.requestRestart("SIGHUP");
				assertThat(early.accepted()).isFalse();
				assertThat(early.reason())
					.isEqualTo("queued: the previous generation (pid 4100) has drained and is still shutting down");
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> coordinator.status().parentPid() == null);
			assertThat(coordinator.status().generation()).isEqualTo(2);
		}
	}

	@Test
	void supervisedGenerationAsksItsSupervisorMirrorsItsAttemptsAndDrainsWhenTold() throws Exception {
		try (ServerSocketChannel server = ServerSocketChannel.open()) {
			server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			ListeningSocket socket = new ProcSocketTable().find((InetSocketAddress) server.getLocalAddress())
				.orElseThrow();
			int[] pair = this.os.socketPair();
			int inherited = POSIXFactory.getNativePOSIX().dup(socket.fd());
			Map<String, String> environment = Map.of(Handoff.LISTENERS,
					"server;" + inherited + ";" + (socket.inet6() ? 6 : 4) + ";"
							+ socket.address().getAddress().getHostAddress() + ";" + socket.address().getPort(),
					Handoff.CHANNEL, String.valueOf(pair[1]), Handoff.GENERATION, "1", Handoff.SUPERVISOR_PID, "1");
			Handoff handoff = Handoff.fromEnvironment(environment, this.os, new ProcSocketTable());
			FakeServer recording = new FakeServer();
			CompletableFuture<RestartAttempt> closed = new CompletableFuture<>();
			RestartCoordinator coordinator = new RestartCoordinator(
					new RestartSettings(Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofSeconds(1)), this.os,
					handoff, () -> List.of(recording), () -> null, closed::complete);
			assertThat(coordinator.status().mode()).isEqualTo("SUPERVISED");
			assertThat(coordinator.status().supervisorPid()).isEqualTo(1);
			coordinator.ready();
			try (HandoverChannel supervisor = new HandoverChannel(this.os, pair[0])) {
				assertThat(supervisor.receive()).isEqualTo(new Message.Ready());
				CompletableFuture<RestartRequest> request = CompletableFuture
					.supplyAsync(() -> coordinator.requestRestart("ENDPOINT"));
				assertThat(supervisor.receive()).isEqualTo(new Message.Restart("ENDPOINT"));
				RestartAttempt running = new RestartAttempt("r1", "ENDPOINT", RestartResult.IN_PROGRESS, Instant.now(),
						null, this.os.pid(), null, "starting generation 2");
				supervisor.send(new Message.Attempt(running));
				supervisor.send(new Message.Accepted(running));
				assertThat(request.get(30, TimeUnit.SECONDS).accepted()).isTrue();
				assertThat(coordinator.state()).isEqualTo(RestartState.RESTARTING);
				RestartAttempt failed = running.ended(RestartResult.FAILED, Instant.now(), "exit code 1");
				supervisor.send(new Message.Attempt(failed));
				await().atMost(Duration.ofSeconds(30)).until(() -> coordinator.state() == RestartState.SERVING);
				assertThat(coordinator.status().history()).containsExactly(failed);

				RestartAttempt succeeded = new RestartAttempt("r2", "SIGHUP", RestartResult.SUCCEEDED, Instant.now(),
						9L, this.os.pid(), 4242, "generation 2 took over");
				supervisor.send(new Message.Drain(succeeded));
				assertThat(supervisor.receive()).as("for the generation that took over")
					.isInstanceOf(Message.WorkStopped.class);
				assertThat(supervisor.receive()).isInstanceOf(Message.Drained.class);
				assertThat(recording.stoppedAccepting).isTrue();
				assertThat(closed.get(30, TimeUnit.SECONDS)).isEqualTo(succeeded);
				assertThat(coordinator.requestRestart("SIGHUP").accepted()).as("a draining generation").isFalse();
			}
		}
	}

}
