package io.github.gracefulrestart.supervisor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartListener;
import io.github.gracefulrestart.RestartResult;
import io.github.gracefulrestart.RestartSettings;
import io.github.gracefulrestart.handover.Handoff;
import io.github.gracefulrestart.process.ChildCommandLine;
import io.github.gracefulrestart.process.FakeOs;
import io.github.gracefulrestart.process.FakeOs.FakeChild;
import io.github.gracefulrestart.socket.ListeningSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The supervisor losing a generation at each moment of a restart, over a fake OS:
 * whatever ends when, a generation serves again within one start-up, and one that keeps
 * failing is retried with a growing back-off.
 */
@ExtendWith(OutputCaptureExtension.class)
class SupervisorFailureTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final FakeOs os = new FakeOs(1);

	private final List<RestartAttempt> succeeded = new CopyOnWriteArrayList<>();

	private final List<RestartAttempt> failed = new CopyOnWriteArrayList<>();

	private Supervisor supervisor;

	private CompletableFuture<Integer> exit;

	@AfterEach
	void stop() {
		if (this.supervisor != null) {
			this.supervisor.stop("SIGTERM");
			this.exit.orTimeout(30, TimeUnit.SECONDS).join();
		}
	}

	@Test
	void whenTheNewGenerationDiesAfterReadyWhileTheOldOneDrainsAnotherStartsAndServes() {
		FakeChild first = startServing();
		assertThat(this.supervisor.requestRestart("SIGHUP")).isPresent();
		FakeChild second = this.os.awaitSpawn();
		second.ready();
		assertThat(heardUntil(first, "DRAIN ")).startsWith("DRAIN ");
		second.killedBy(9);
		FakeChild third = this.os.awaitSpawn();
		assertThat(third.environment()).as("boots as a first generation would: no warm-up, not lowered")
			.doesNotContainKey(Handoff.PARENT_PID)
			.containsEntry(Handoff.GENERATION, "3");
		third.ready();
		assertThat(third.hear()).startsWith("DRAINED 0 ");
		await().atMost(WAIT).until(() -> this.succeeded.size() == 1);
		first.exit(0);
		assertThat(this.succeeded.get(0).message()).contains("generation 3")
			.contains("after generation 2")
			.contains("killed by signal 9");
		// Once the drained generation is gone, the next restart works.
		await().atMost(WAIT).until(() -> this.supervisor.requestRestart("SIGHUP").isPresent());
		FakeChild fourth = this.os.awaitSpawn();
		assertThat(fourth.environment()).containsEntry(Handoff.PARENT_PID, String.valueOf(third.pid()));
	}

	@Test
	void whenTheOldGenerationDiesWhileTheNewOneBootsTheNewOneServesWithoutADrain() {
		FakeChild first = startServing();
		this.supervisor.requestRestart("SIGHUP");
		FakeChild second = this.os.awaitSpawn();
		first.killedBy(9);
		assertThat(this.os.nextSpawn(Duration.ofMillis(1500))).as("no recovery beside a booting generation").isEmpty();
		second.ready();
		assertThat(second.hear()).startsWith("DRAINED 0 ");
		await().atMost(WAIT).until(() -> this.succeeded.size() == 1);
		assertThat(this.succeeded.get(0).message()).contains("after generation 1").contains("killed by signal 9");
		assertThat(this.supervisor.requestRestart("SIGHUP")).isPresent();
	}

	@Test
	void whenTheNewGenerationDiesBeforeReadyTheServingOneStaysAndTheNextRestartWorks() {
		FakeChild first = startServing();
		this.supervisor.requestRestart("SIGHUP");
		FakeChild second = this.os.awaitSpawn();
		second.exit(1);
		await().atMost(WAIT).until(() -> this.failed.size() == 1);
		assertThat(this.failed.get(0).message()).contains("ended before it was ready: exit code 1");
		assertThat(first.signals()).isEmpty();
		assertThat(this.supervisor.requestRestart("SIGHUP")).isPresent();
	}

	@Test
	void aNewGenerationSlowToStartIsReportedAtEachQuarterOfTheTimeoutThenStopped(CapturedOutput output) {
		FakeChild first = startServing(Duration.ofMillis(800));
		this.supervisor.requestRestart("SIGHUP");
		FakeChild second = this.os.awaitSpawn();
		await().atMost(WAIT).until(() -> this.failed.size() == 1);
		assertThat(this.failed.get(0).result()).isEqualTo(RestartResult.TIMED_OUT);
		assertThat(output.getOut()
			.lines()
			.filter((line) -> line.contains("(pid " + second.pid() + ") is not ready after")))
			.as("said at each quarter of the startup timeout that it still waits")
			.hasSize(3);
		await().atMost(WAIT).until(second::ended);
		assertThat(first.signals()).isEmpty();
		assertThat(this.supervisor.requestRestart("SIGHUP")).isPresent();
	}

	@Test
	void whenTheNewGenerationIsNotHealthyTheFailureNamesWhatItReported() {
		FakeChild first = startServing();
		this.supervisor.requestRestart("SIGHUP");
		FakeChild second = this.os.awaitSpawn();
		second.say("NOTREADY db health group 'readiness' is DOWN: db DOWN {error=Connection refused}");
		second.exit(1);
		await().atMost(WAIT).until(() -> this.failed.size() == 1);
		assertThat(this.failed.get(0).message())
			.endsWith("ended before it was ready: exit code 1; it reported: health group 'readiness' is DOWN: db DOWN"
					+ " {error=Connection refused}");
		assertThat(first.signals()).isEmpty();
	}

	@Test
	void whenTheServingGenerationDiesAfterTheDrainTheNewOneServesOn() {
		FakeChild first = startServing();
		this.supervisor.requestRestart("SIGHUP");
		FakeChild second = this.os.awaitSpawn();
		second.ready();
		heardUntil(first, "DRAIN ");
		first.say("DRAINED 40");
		first.exit(0);
		assertThat(second.hear()).startsWith("DRAINED 40 ");
		await().atMost(WAIT).until(() -> this.succeeded.size() == 1);
		assertThat(this.supervisor.requestRestart("SIGHUP")).isPresent();
	}

	@Test
	void anOldGenerationThatCannotHearDrainIsStoppedInsteadOfLeftToTheKillTimeout() {
		FakeChild first = startServing();
		this.supervisor.requestRestart("SIGHUP");
		FakeChild second = this.os.awaitSpawn();
		first.closeChannel();
		second.ready();
		await().atMost(WAIT).until(() -> first.signals().contains(15));
	}

	@Test
	void aReplacementThatKeepsFailingIsRetriedWithAGrowingBackoff() {
		FakeChild first = startServing();
		first.exit(3);
		List<Long> spawnedAt = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < 3; i++) {
			FakeChild replacement = this.os.awaitSpawn();
			spawnedAt.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
			replacement.exit(1);
		}
		// 1 s, then 2 s, then 4 s after each failure.
		assertThat(spawnedAt.get(0)).isBetween(900L, 1900L);
		assertThat(spawnedAt.get(1) - spawnedAt.get(0)).isGreaterThanOrEqualTo(1900L);
		assertThat(spawnedAt.get(2) - spawnedAt.get(1)).isGreaterThanOrEqualTo(3900L);
	}

	@Test
	void aReleaseThatCanNeverStartMakesTheSupervisorGiveUpAndExitNonZero() throws Exception {
		FakeChild first = startServing();
		this.supervisor.giveUpAfter(2);
		first.exit(3);
		this.os.awaitSpawn().exit(1);
		this.os.awaitSpawn().exit(1);
		assertThat(this.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the status of the one that served last")
			.isEqualTo(3);
		assertThat(this.os.nextSpawn(Duration.ofMillis(500))).as("no third replacement").isEmpty();
		this.supervisor = null;
	}

	@Test
	void aTriggerWhileARestartRunsIsQueuedAndRunsOnceItIsOverWhateverItsResult() {
		FakeChild first = startServing();
		assertThat(this.supervisor.requestRestart("SIGHUP")).isPresent();
		FakeChild failing = this.os.awaitSpawn();
		assertThat(this.supervisor.requestRestart("SIGHUP")).as("queued, not started").isEmpty();
		assertThat(this.supervisor.requestRestart("ENDPOINT")).as("merged").isEmpty();
		failing.exit(1);
		FakeChild next = this.os.awaitSpawn();
		next.ready();
		assertThat(heardUntil(first, "DRAIN ")).isNotNull();
		first.exit(0);
		await().atMost(WAIT).until(() -> this.succeeded.size() == 1);
		assertThat(this.succeeded.get(0).trigger()).isEqualTo("SIGHUP");
		assertThat(this.os.nextSpawn(Duration.ofMillis(300))).as("one restart for both").isEmpty();
	}

	@Test
	void aStopDuringARestartStopsBothAndExitsWithTheServingGenerationsStatus() throws Exception {
		FakeChild first = startServing();
		this.supervisor.requestRestart("SIGHUP");
		FakeChild second = this.os.awaitSpawn();
		this.supervisor.stop("SIGTERM");
		assertThat(this.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(128 + 15);
		assertThat(first.signals()).containsExactly(15);
		assertThat(second.signals()).containsExactly(15);
		assertThat(this.failed).hasSize(1);
		this.supervisor = null;
	}

	@Test
	void aNewGenerationReadyAfterTheStopBeganIsStoppedToo() throws Exception {
		FakeChild first = startServing();
		first.ignoreSigterm();
		this.supervisor.requestRestart("SIGHUP");
		FakeChild second = this.os.awaitSpawn();
		second.ignoreSigterm();
		this.supervisor.stop("SIGTERM");
		await().atMost(WAIT).until(() -> second.signals().contains(15));
		second.ready();
		await().atMost(WAIT).until(() -> second.signals().contains(9));
		first.exit(143);
		assertThat(this.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(143);
		this.supervisor = null;
	}

	private FakeChild startServing() {
		return startServing(Duration.ofSeconds(30));
	}

	private FakeChild startServing(Duration startupTimeout) {
		RestartSettings settings = new RestartSettings(startupTimeout, Duration.ofSeconds(5), Duration.ofMillis(500));
		ListeningSocket socket = new ListeningSocket(3, new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080),
				false);
		this.supervisor = new Supervisor(settings, this.os,
				new ChildCommandLine("/jdk/bin/java", List.of("-jar", "app.jar")), Map.of(),
				List.of(new SupervisedSocket("server", socket, false, null)));
		CompletableFuture<Integer> serving = new CompletableFuture<>();
		this.supervisor.addListener(new RestartListener() {

			@Override
			public void ready(int generation, boolean first) {
				serving.complete(generation);
			}

			@Override
			public void restartSucceeded(RestartAttempt attempt, Duration drain) {
				SupervisorFailureTests.this.succeeded.add(attempt);
			}

			@Override
			public void restartFailed(RestartAttempt attempt) {
				SupervisorFailureTests.this.failed.add(attempt);
			}

		});
		this.exit = CompletableFuture.supplyAsync(this.supervisor::run);
		FakeChild first = this.os.awaitSpawn();
		first.ready();
		assertThat(serving.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join()).isEqualTo(1);
		return first;
	}

	private static String heardUntil(FakeChild child, String prefix) {
		String line;
		while ((line = child.hear()) != null) {
			if (line.startsWith(prefix)) {
				return line;
			}
		}
		return null;
	}

}
