package io.github.gracefulrestart.supervisor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartListener;
import io.github.gracefulrestart.RestartResult;
import io.github.gracefulrestart.RestartSettings;
import io.github.gracefulrestart.process.ChildCommandLine;
import io.github.gracefulrestart.process.JnrNativeOs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link Supervisor}, with shell scripts as real generations speaking the
 * channel protocol, and a real listening socket.
 */
class SupervisorTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	/**
	 * A generation: writes what it hears to {@code heard-<generation>}, reports ready
	 * (unless {@code $NOT_READY} names its generation), stops its work and drains on
	 * {@code DRAIN}.
	 */
	private static final String GENERATION = """
			heard="$DIR/heard-$GRACEFUL_RESTART_GENERATION"
			readlink /proc/$$/fd/3 > "$DIR/socket-$GRACEFUL_RESTART_GENERATION"
			eval "$BEFORE_READY"
			echo READY >&$GRACEFUL_RESTART_CHANNEL
			eval "$AFTER_READY"
			while read line <&$GRACEFUL_RESTART_CHANNEL; do
			  echo "$line" >> "$heard"
			  case "$line" in DRAIN\\ *) printf 'WORKSTOPPED\\nDRAINED 5\\n' >&$GRACEFUL_RESTART_CHANNEL; exit 0;; esac
			done
			""";

	private final JnrNativeOs os = JnrNativeOs.load();

	private final Events events = new Events();

	private final List<Supervisor> running = new CopyOnWriteArrayList<>();

	private final List<CompletableFuture<Integer>> exits = new CopyOnWriteArrayList<>();

	@TempDir
	Path dir;

	@AfterEach
	void stopSupervisors() {
		this.running.forEach((supervisor) -> supervisor.stop("SIGTERM"));
		this.exits.forEach((exit) -> exit.orTimeout(60, TimeUnit.SECONDS).join());
	}

	@Test
	void aRestartStartsTheNextGenerationWithTheSocketThenDrainsThePreviousOne() throws Exception {
		CompletableFuture<Integer> exit = run(start(Map.of()));
		Supervisor supervisor = this.running.get(0);
		await().atMost(WAIT).until(() -> this.events.ready.size() == 1);
		assertThat(supervisor.requestRestart("SIGHUP")).isPresent();
		await().atMost(WAIT).until(() -> this.events.succeeded.size() == 1);
		RestartAttempt attempt = this.events.succeeded.get(0);
		assertThat(attempt.trigger()).isEqualTo("SIGHUP");
		assertThat(attempt.result()).isEqualTo(RestartResult.SUCCEEDED);
		assertThat(read("socket-2")).isEqualTo(read("socket-1")).startsWith("socket:[");
		await().atMost(WAIT).until(() -> !Files.exists(Path.of("/proc/" + attempt.oldPid())));
		assertThat(lines("heard-1")).hasSize(3)
			.allMatch((line) -> line.startsWith("ATTEMPT ") || line.startsWith("DRAIN "));
		await().atMost(WAIT).until(() -> lines("heard-2").size() == 2);
		assertThat(lines("heard-2").get(0)).as("passed on at once").isEqualTo("WORKSTOPPED");
		assertThat(lines("heard-2").get(1)).startsWith("DRAINED 5 ").contains(attempt.id());
		supervisor.stop("SIGTERM");
		assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("sh ended by SIGTERM").isEqualTo(128 + 15);
		assertThat(Path.of("/proc/" + attempt.newPid())).doesNotExist();
	}

	@Test
	void aJmxPortInTheOptionVariablesIsCarriedToTheNextGenerationAsTheSupervisorStartsIt() throws Exception {
		String options = "-Dcom.sun.management.jmxremote.port=4321 -Dcom.sun.management.jmxremote.ssl=false -Dx=y";
		run(start(Map.of("JAVA_TOOL_OPTIONS", options, "BEFORE_READY",
				"echo \"$JAVA_TOOL_OPTIONS|$GRACEFUL_RESTART_JMX_AGENT\" > \"$DIR/options-$GRACEFUL_RESTART_GENERATION\"")));
		Supervisor supervisor = this.running.get(0);
		await().atMost(WAIT).until(() -> this.events.ready.size() == 1);
		assertThat(read("options-1")).as("generation 1 opens the port").isEqualTo(options + "|");
		supervisor.requestRestart("SIGHUP");
		await().atMost(WAIT).until(() -> this.events.succeeded.size() == 1);
		assertThat(read("options-2")).as("generation 2 starts without the port, told the agent's arguments")
			.isEqualTo("-Dcom.sun.management.jmxremote.ssl=false -Dx=y|jmxremote.port=4321 jmxremote.ssl=false");
	}

	@Test
	void aGenerationThatEndsBeforeItIsReadyFailsTheRestartAndTheServingOneStays() throws Exception {
		run(start(Map.of("BEFORE_READY", "[ $GRACEFUL_RESTART_GENERATION = 2 ] && exit 3")));
		Supervisor supervisor = this.running.get(0);
		await().atMost(WAIT).until(() -> this.events.ready.size() == 1);
		supervisor.requestRestart("ENDPOINT");
		await().atMost(WAIT).until(() -> this.events.failed.size() == 1);
		RestartAttempt failed = this.events.failed.get(0);
		assertThat(failed.result()).isEqualTo(RestartResult.FAILED);
		assertThat(failed.message()).contains("generation 2").contains("exit code 3");
		assertThat(Path.of("/proc/" + failed.newPid())).as("reaped").doesNotExist();
		assertThat(Path.of("/proc/" + failed.oldPid())).as("still serving").exists();
		await().atMost(WAIT).until(() -> lines("heard-1").size() == 3);
		assertThat(lines("heard-1").get(2)).startsWith("ATTEMPT ").contains("FAILED");
		assertThat(supervisor.requestRestart("SIGHUP")).as("the next restart is accepted").isPresent();
	}

	@Test
	void aRestartWhileOneRunsIsQueuedAndRunsOnceItIsOver() throws Exception {
		run(start(Map.of("BEFORE_READY", "[ $GRACEFUL_RESTART_GENERATION = 2 ] && sleep 3")));
		Supervisor supervisor = this.running.get(0);
		await().atMost(WAIT).until(() -> this.events.ready.size() == 1);
		assertThat(supervisor.requestRestart("SIGHUP")).isPresent();
		assertThat(supervisor.requestRestart("SIGHUP")).as("queued, not started now").isEmpty();
		assertThat(supervisor.requestRestart("ENDPOINT")).as("merged into the queued one").isEmpty();
		await().atMost(WAIT).until(() -> this.events.succeeded.size() == 2);
		assertThat(this.events.started).hasSize(2);
		assertThat(this.events.succeeded.get(1).newPid()).isNotEqualTo(this.events.succeeded.get(0).newPid());
	}

	@Test
	void aGenerationThatCrashesWhileServingIsReplacedAfterABackoff() throws Exception {
		run(start(Map.of("AFTER_READY", "[ $GRACEFUL_RESTART_GENERATION = 1 ] && sleep 1 && exit 7")));
		await().atMost(WAIT).until(() -> this.events.succeeded.size() == 1);
		RestartAttempt recovery = this.events.succeeded.get(0);
		assertThat(recovery.trigger()).isEqualTo("CRASH");
		assertThat(recovery.message()).contains("generation 2").contains("after generation 1").contains("exit code 7");
		assertThat(read("socket-2")).isEqualTo(read("socket-1"));
	}

	@Test
	void aFirstGenerationThatCannotStartEndsTheSupervisorWithItsStatus() throws Exception {
		CompletableFuture<Integer> exit = run(start(Map.of("BEFORE_READY", "exit 4")));
		assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(4);
		assertThat(this.events.ready).isEmpty();
	}

	@Test
	void aServingGenerationThatExitsNormallyEndsTheSupervisor() throws Exception {
		CompletableFuture<Integer> exit = run(start(Map.of("AFTER_READY", "sleep 1; exit 0")));
		assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
		assertThat(this.events.stopping).isTrue();
	}

	private Supervisor start(Map<String, String> behaviour) {
		Map<String, String> environment = new java.util.HashMap<>(System.getenv());
		environment.put("DIR", this.dir.toString());
		environment.putAll(behaviour);
		RestartSettings settings = new RestartSettings(WAIT, Duration.ofSeconds(5), Duration.ofSeconds(5));
		List<SupervisedSocket> sockets = SupervisedSocket
			.open(Map.of("server", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), Map.of(), this.os);
		Supervisor supervisor = new Supervisor(settings, this.os,
				new ChildCommandLine("/bin/sh", List.of("-c", GENERATION)), environment, sockets);
		supervisor.addListener(this.events);
		this.running.add(supervisor);
		return supervisor;
	}

	private CompletableFuture<Integer> run(Supervisor supervisor) {
		CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(supervisor::run);
		this.exits.add(exit);
		return exit;
	}

	private String read(String name) throws Exception {
		Path file = this.dir.resolve(name);
		await().atMost(WAIT).until(() -> Files.exists(file) && !Files.readString(file).isBlank());
		return Files.readString(file).trim();
	}

	private List<String> lines(String name) throws Exception {
		Path file = this.dir.resolve(name);
		return Files.exists(file) ? Files.readAllLines(file) : List.of();
	}

	static class Events implements RestartListener {

		final List<Integer> ready = new CopyOnWriteArrayList<>();

		final List<RestartAttempt> started = new CopyOnWriteArrayList<>();

		final List<RestartAttempt> failed = new CopyOnWriteArrayList<>();

		final List<RestartAttempt> succeeded = new CopyOnWriteArrayList<>();

		volatile boolean stopping;

		@Override
		public void ready(int generation, boolean first) {
			this.ready.add(generation);
		}

		@Override
		public void restartStarted(RestartAttempt attempt) {
			this.started.add(attempt);
		}

		@Override
		public void restartFailed(RestartAttempt attempt) {
			this.failed.add(attempt);
		}

		@Override
		public void restartSucceeded(RestartAttempt attempt, Duration drain) {
			this.succeeded.add(attempt);
		}

		@Override
		public void stopping() {
			this.stopping = true;
		}

	}

}
