package io.github.gracefulrestart.handover;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.gracefulrestart.FakeServer;
import io.github.gracefulrestart.GenerationWork;
import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartListener;
import io.github.gracefulrestart.RestartResult;
import io.github.gracefulrestart.RestartSettings;
import io.github.gracefulrestart.RestartState;
import io.github.gracefulrestart.process.BootPriority;
import io.github.gracefulrestart.process.ChildCommandLine;
import io.github.gracefulrestart.process.FakeOs;
import io.github.gracefulrestart.process.FakeOs.FakeChild;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The failure orders of a restart, over a fake OS: the next generation dying, hanging or
 * reporting ready at each phase, the previous generation dying at each phase, a shutdown
 * during a restart. Each ends in seconds in a state from which the next restart works.
 */
@ExtendWith(OutputCaptureExtension.class)
class RestartCoordinatorFailureTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final FakeOs os = new FakeOs(4100);

	private final CompletableFuture<RestartAttempt> handedOver = new CompletableFuture<>();

	private final FakeServer server = new FakeServer();

	// The parent side: this generation restarts.

	@Test
	void whenTheNextGenerationEndsBeforeItIsReadyTheRestartFailsAtOnceAndTheNextOneIsAccepted() {
		RestartCoordinator coordinator = serving(settings(Duration.ofMinutes(2)));
		assertThat(coordinator.requestRestart("SIGHUP").accepted()).isTrue();
		FakeChild child = this.os.awaitSpawn();
		child.exit(1);
		RestartAttempt failed = awaitLast(coordinator, RestartResult.FAILED);
		assertThat(failed.message())
			.isEqualTo("generation 2 (pid " + child.pid() + ") ended before it was ready: exit code 1");
		assertThat(coordinator.state()).isEqualTo(RestartState.SERVING);
		assertThat(this.server.stoppedAccepting).isFalse();
		assertThat(coordinator.requestRestart("ENDPOINT").accepted()).isTrue();
	}

	@Test
	void whenTheNextGenerationIsNotReadyInTimeItIsStoppedAndTheRestartTimesOut(CapturedOutput output) {
		RestartCoordinator coordinator = serving(settings(Duration.ofMillis(300)));
		coordinator.requestRestart("SIGHUP");
		FakeChild child = this.os.awaitSpawn();
		RestartAttempt timedOut = awaitLast(coordinator, RestartResult.TIMED_OUT);
		assertThat(timedOut.message()).contains("was not ready within PT0.3S");
		assertThat(output.getOut()
			.lines()
			.filter((line) -> line.contains("Restart " + timedOut.id()) && line.contains("is not ready after")))
			.as("said at each quarter of the startup timeout that it still waits")
			.hasSize(3);
		assertThat(child.signals()).containsExactly(15);
		assertThat(child.ended()).isTrue();
		assertThat(coordinator.requestRestart("SIGHUP").accepted()).isTrue();
	}

	@Test
	void whenTheNextGenerationIsNotHealthyInTimeTheFailureNamesWhatItLastReported() {
		RestartCoordinator coordinator = serving(settings(Duration.ofMillis(500)));
		List<List<String>> unhealthy = new java.util.concurrent.CopyOnWriteArrayList<>();
		coordinator.addListener(new RestartListener() {

			@Override
			public void unhealthy(RestartAttempt attempt, List<String> indicators) {
				unhealthy.add(indicators);
			}

		});
		coordinator.requestRestart("SIGHUP");
		FakeChild child = this.os.awaitSpawn();
		child.say("NOTREADY readinessState health group 'readiness' is OUT_OF_SERVICE");
		child.say("NOTREADY db,redis health group 'readiness' is DOWN: db DOWN {error=Connection refused}; redis DOWN");
		RestartAttempt timedOut = awaitLast(coordinator, RestartResult.TIMED_OUT);
		assertThat(timedOut.message()).isEqualTo("generation 2 (pid " + child.pid() + ") was not ready within PT0.5S,"
				+ " stopped it; it reported: health group 'readiness' is DOWN: db DOWN {error=Connection refused}; redis DOWN");
		assertThat(unhealthy).containsExactly(List.of("db", "redis"));
		assertThat(child.signals()).containsExactly(15);
		assertThat(coordinator.requestRestart("SIGHUP").accepted()).isTrue();
	}

	@Test
	void whenTheNextGenerationGivesUpTheFailureSaysWhyAtOnce() {
		RestartCoordinator coordinator = serving(settings(Duration.ofMinutes(2)));
		coordinator.requestRestart("SIGHUP");
		FakeChild child = this.os.awaitSpawn();
		child.say("NOTREADY - warm-up failed (the health endpoint failed): GET /actuator/health answered 500 (3 of 3)");
		child.exit(1);
		RestartAttempt failed = awaitLast(coordinator, RestartResult.FAILED);
		assertThat(failed.message()).isEqualTo("generation 2 (pid " + child.pid() + ") ended before it was ready: exit"
				+ " code 1; it reported: warm-up failed (the health endpoint failed): GET /actuator/health answered 500"
				+ " (3 of 3)");
	}

	@Test
	void aDrainThatTimesOutTellsWhatItCutByKindAndTheGenerationStillCloses() throws Exception {
		RestartCoordinator coordinator = new RestartCoordinator(
				new RestartSettings(Duration.ofMinutes(2), Duration.ofMillis(300), Duration.ofMillis(300)), this.os,
				Handoff.none(), () -> List.of(this.server),
				() -> new ChildCommandLine("/jdk/bin/java", List.of("-jar", "app.jar")), this.handedOver::complete);
		coordinator.useConnectionKinds(() -> java.util.Map.of("websocket", 1, "event-stream", 0));
		coordinator.ready();
		CompletableFuture<java.util.Map<String, Integer>> cut = new CompletableFuture<>();
		coordinator.addListener(new RestartListener() {

			@Override
			public void drained(RestartAttempt attempt, Duration drain, java.util.Map<String, Integer> left) {
				cut.complete(left);
			}

		});
		this.server.openConnections = 3;
		coordinator.requestRestart("SIGHUP");
		FakeChild child = this.os.awaitSpawn();
		child.ready();
		assertThat(cut.get(WAIT.toSeconds(), TimeUnit.SECONDS)).containsExactly(java.util.Map.entry("http", 2),
				java.util.Map.entry("websocket", 1));
		assertThat(this.handedOver.get(WAIT.toSeconds(), TimeUnit.SECONDS).result()).isEqualTo(RestartResult.SUCCEEDED);
	}

	@Test
	void aHungNextGenerationThatIgnoresSigtermIsKilled() {
		RestartCoordinator coordinator = serving(settings(Duration.ofMillis(300)));
		coordinator.requestRestart("SIGHUP");
		FakeChild child = this.os.awaitSpawn();
		child.ignoreSigterm();
		awaitLast(coordinator, RestartResult.TIMED_OUT);
		assertThat(child.signals()).containsExactly(15, 9);
	}

	@Test
	void whenTheReaperFailsTheNextGenerationIsStillKilled() {
		this.os.failWaits();
		RestartCoordinator coordinator = serving(settings(Duration.ofMillis(300)));
		coordinator.requestRestart("SIGHUP");
		FakeChild child = this.os.awaitSpawn();
		RestartAttempt failed = awaitLast(coordinator, RestartResult.FAILED);
		assertThat(failed.message()).contains("not reaped");
		assertThat(child.signals()).containsExactly(15, 9);
		assertThat(coordinator.requestRestart("SIGHUP").accepted()).isTrue();
	}

	@Test
	void whenTheNextGenerationCannotBeStartedTheRestartFailsAndTheNextOneIsAccepted() {
		this.os.failSpawns();
		RestartCoordinator coordinator = serving(settings(WAIT));
		coordinator.requestRestart("SIGHUP");
		RestartAttempt failed = awaitLast(coordinator, RestartResult.FAILED);
		assertThat(failed.message()).contains("posix_spawn failed");
		assertThat(coordinator.requestRestart("SIGHUP").accepted()).isTrue();
	}

	@Test
	void aReadyNextGenerationTakesOverAndHearsTheDrainWithTheHistory() throws Exception {
		RestartCoordinator coordinator = serving(settings(WAIT));
		coordinator.requestRestart("SIGHUP");
		FakeChild child = this.os.awaitSpawn();
		assertThat(child.environment()).containsEntry(Handoff.GENERATION, "2")
			.containsEntry(Handoff.PARENT_PID, "4100");
		child.ready();
		RestartAttempt succeeded = this.handedOver.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(succeeded.result()).isEqualTo(RestartResult.SUCCEEDED);
		assertThat(this.server.stoppedAccepting).isTrue();
		assertThat(coordinator.state()).isEqualTo(RestartState.DRAINING);
		assertThat(child.hear()).as("its background work stopped before the drain").isEqualTo("WORKSTOPPED");
		Message drained = Message.parse(child.hear());
		assertThat(drained).isInstanceOfSatisfying(Message.Drained.class,
				(message) -> assertThat(message.history()).containsExactly(succeeded));
		assertThat(coordinator.requestRestart("SIGHUP").accepted()).as("a draining generation").isFalse();
	}

	@Test
	void aLoweredNextGenerationThatIsStarvedStepsUpToItsNormalPriorityThenAboveAndBackOnceReady() throws Exception {
		BootPriority priority = new BootPriority(this.os);
		assumeThat(priority.canRestore() && Files.isExecutable(Path.of("/usr/bin/nice")))
			.as("CAP_SYS_NICE or RLIMIT_NICE (root), and nice(1)")
			.isTrue();
		// A look after an eighth of the start-up timeout (no generation was ready
		// before), then every sixteenth; it waits for a CPU ten times as long as it runs.
		this.os.schedulingPerLook(Duration.ofMillis(10), Duration.ofMillis(100));
		RestartCoordinator coordinator = serving(settings(Duration.ofSeconds(8)));
		coordinator.useBootPriority(priority, 10);
		coordinator.requestRestart("SIGHUP");
		FakeChild child = this.os.awaitSpawn();
		assertThat(child.executable()).isEqualTo("/usr/bin/nice");
		await().atMost(WAIT).until(() -> this.os.niceValues().size() == 3);
		int pid = child.pid();
		assertThat(this.os.niceValues()).containsExactly(pid + "=0", pid + "=-5", pid + "=-10");
		child.ready();
		assertThat(this.handedOver.get(WAIT.toSeconds(), TimeUnit.SECONDS).result()).isEqualTo(RestartResult.SUCCEEDED);
		assertThat(this.os.niceValues()).as("its normal priority once ready").endsWith(pid + "=0");
	}

	/**
	 * Slow but not starved: a runner that waits (it runs as long as it asks to), or a JVM
	 * booting beside a moderately busy one (more runnable threads than CPUs, so it waits
	 * longer than it runs, but on more than half of the two CPUs; looks a second, then
	 * half a second, apart).
	 */
	@ParameterizedTest
	@CsvSource({ "100, 1", "600, 900" })
	void aLoweredNextGenerationThatIsSlowButNotStarvedKeepsYielding(long runningMs, long waitingMs) throws Exception {
		BootPriority priority = new BootPriority(this.os);
		assumeThat(priority.canRestore() && Files.isExecutable(Path.of("/usr/bin/nice"))).isTrue();
		this.os.schedulingPerLook(Duration.ofMillis(runningMs), Duration.ofMillis(waitingMs));
		RestartCoordinator coordinator = serving(settings(Duration.ofSeconds(8)));
		coordinator.useBootPriority(priority, 10);
		coordinator.requestRestart("SIGHUP");
		FakeChild child = this.os.awaitSpawn();
		await().during(Duration.ofMillis(2600)).atMost(WAIT).until(() -> this.os.niceValues().isEmpty());
		child.ready();
		assertThat(this.handedOver.get(WAIT.toSeconds(), TimeUnit.SECONDS).result()).isEqualTo(RestartResult.SUCCEEDED);
		assertThat(this.os.niceValues()).isEmpty();
	}

	@Test
	void aNextGenerationReadyBeforeItsTimeNeverStepsUp() throws Exception {
		BootPriority priority = new BootPriority(this.os);
		assumeThat(priority.canRestore() && Files.isExecutable(Path.of("/usr/bin/nice"))).isTrue();
		RestartCoordinator coordinator = serving(settings(WAIT));
		coordinator.useBootPriority(priority, 10);
		coordinator.requestRestart("SIGHUP");
		this.os.awaitSpawn().ready();
		assertThat(this.handedOver.get(WAIT.toSeconds(), TimeUnit.SECONDS).result()).isEqualTo(RestartResult.SUCCEEDED);
		assertThat(this.os.niceValues()).isEmpty();
	}

	@Test
	void aJmxRemotePortIsCarriedToTheNextGenerationWhichStartsWithoutItsPortOptions() {
		this.os.setenv("JAVA_TOOL_OPTIONS", "-XX:+UseSerialGC -Dcom.sun.management.jmxremote.rmi.port=9011");
		RestartCoordinator coordinator = new RestartCoordinator(settings(WAIT), this.os, Handoff.none(),
				() -> List.of(this.server),
				() -> new ChildCommandLine("/jdk/bin/java",
						List.of("-Dcom.sun.management.jmxremote.port=9010",
								"-Dcom.sun.management.jmxremote.authenticate=false", "-jar", "app.jar")),
				this.handedOver::complete);
		coordinator.ready();
		coordinator.requestRestart("SIGHUP");
		FakeChild child = this.os.awaitSpawn();
		assertThat(child.argv()).doesNotContain("-Dcom.sun.management.jmxremote.port=9010")
			.contains("-Dcom.sun.management.jmxremote.authenticate=false");
		assertThat(child.environment()).containsEntry("JAVA_TOOL_OPTIONS", "-XX:+UseSerialGC")
			.containsEntry(Handoff.JMX_AGENT,
					"jmxremote.port=9010 jmxremote.authenticate=false jmxremote.rmi.port=9011");
	}

	@Test
	void aDebugPortTheNextGenerationCouldNotOpenFailsTheRestartAtOnceNamingIt() {
		this.os.setenv("JAVA_TOOL_OPTIONS", "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005");
		RestartCoordinator coordinator = serving(settings(WAIT));
		coordinator.requestRestart("SIGHUP");
		RestartAttempt failed = awaitLast(coordinator, RestartResult.FAILED);
		assertThat(failed.message()).startsWith("the JVM options open a debug port ('-agentlib:jdwp=");
		assertThat(this.os.nextSpawn(Duration.ofMillis(200))).isEmpty();
	}

	@Test
	void garbageFromTheNextGenerationIsSkippedAndItsReadyStillCounts() throws Exception {
		RestartCoordinator coordinator = serving(settings(WAIT));
		coordinator.requestRestart("SIGHUP");
		FakeChild child = this.os.awaitSpawn();
		child.say("HELLO there");
		child.ready();
		assertThat(this.handedOver.get(WAIT.toSeconds(), TimeUnit.SECONDS).result()).isEqualTo(RestartResult.SUCCEEDED);
	}

	@Test
	void aShutdownDuringARestartStopsTheNextGenerationEvenWhenItReportsReadyMeanwhile() throws Exception {
		RestartCoordinator coordinator = serving(settings(WAIT));
		coordinator.requestRestart("SIGHUP");
		FakeChild child = this.os.awaitSpawn();
		child.ignoreSigterm();
		CompletableFuture<Void> closing = CompletableFuture.runAsync(coordinator::shuttingDown);
		await().atMost(WAIT).until(() -> child.signals().contains(15));
		child.ready();
		closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		// close() stops it, or the restart's own thread when close() came before it was
		// known.
		await().atMost(WAIT).until(() -> child.signals().contains(9));
		assertThat(child.signals()).containsExactly(15, 9);
		RestartAttempt failed = awaitLast(coordinator, RestartResult.FAILED);
		assertThat(failed.message()).contains("shutting down");
		assertThat(this.handedOver).isNotDone();
		assertThat(this.server.stoppedAccepting).isFalse();
		assertThat(coordinator.state()).isNotEqualTo(RestartState.DRAINING);
	}

	// The child side: this generation was started by a restart.

	@Test
	void aGenerationThatFailsToStartShutsDownAtOnceWithoutWaitingForTheServingOne() throws Exception {
		FakeOs.Peer parent = this.os.peer();
		RestartCoordinator coordinator = child(parent, null);
		CompletableFuture<Void> closing = CompletableFuture.runAsync(coordinator::close);
		closing.get(2, TimeUnit.SECONDS);
		assertThat(parent.other().hear(Duration.ofMillis(100))).as("said nothing to the serving generation").isNull();
	}

	@Test
	void whenThePreviousGenerationDiedBeforeReadyThisOneServesAndRestartsLikeAnyOther() {
		FakeOs.Peer parent = this.os.peer();
		RestartCoordinator coordinator = child(parent, null);
		parent.other().close();
		coordinator.ready();
		assertThat(coordinator.status().parentPid()).isNull();
		assertThat(coordinator.requestRestart("SIGHUP").accepted()).isTrue();
	}

	@Test
	void aTriggerWhileThePreviousGenerationDrainsIsQueuedAndRunsOnceItIsGone() {
		FakeOs.Peer parent = this.os.peer();
		RestartCoordinator coordinator = child(parent, null);
		coordinator.ready();
		assertThat(parent.other().hear(WAIT)).isEqualTo("READY");
		RestartRequest queued = coordinator.requestRestart("SIGHUP");
		assertThat(queued.accepted()).isFalse();
		assertThat(queued.queued()).isTrue();
		assertThat(queued.reason()).isEqualTo("queued: the previous generation is still draining");
		assertThat(coordinator.status().queued()).isEqualTo("SIGHUP");
		assertThat(coordinator.requestRestart("ENDPOINT").queued()).as("merged into the queued one").isTrue();
		assertThat(this.os.nextSpawn(Duration.ofMillis(200))).isEmpty();
		parent.other().close();
		this.os.awaitSpawn();
		assertThat(coordinator.state()).isEqualTo(RestartState.RESTARTING);
		assertThat(coordinator.status().lastRestart().trigger()).isEqualTo("SIGHUP");
		assertThat(coordinator.status().queued()).isNull();
		assertThat(this.os.nextSpawn(Duration.ofMillis(200))).as("one restart for both triggers").isEmpty();
	}

	@Test
	void aTriggerWhileARestartRunsIsQueuedAndRunsOnceItFailed() {
		RestartCoordinator coordinator = serving(settings(WAIT));
		assertThat(coordinator.requestRestart("SIGHUP").accepted()).isTrue();
		FakeChild first = this.os.awaitSpawn();
		RestartRequest queued = coordinator.requestRestart("ENDPOINT");
		assertThat(queued.queued()).isTrue();
		assertThat(queued.reason()).isEqualTo("queued: a restart is already RESTARTING");
		first.exit(1);
		this.os.awaitSpawn();
		assertThat(coordinator.status().lastRestart().trigger()).isEqualTo("ENDPOINT");
		assertThat(coordinator.status().history().get(0).result()).isEqualTo(RestartResult.FAILED);
	}

	@Test
	void aTriggerWhileThisGenerationDrainsIsHandedToTheOneThatTookOver() throws Exception {
		this.server.holding(1);
		RestartCoordinator coordinator = serving(settings(WAIT));
		coordinator.requestRestart("SIGHUP");
		FakeChild child = this.os.awaitSpawn();
		child.ready();
		await().atMost(WAIT).until(() -> coordinator.state() == RestartState.DRAINING && this.server.stoppedAccepting);
		assertThat(coordinator.requestRestart("SIGHUP").queued()).isTrue();
		assertThat(child.hear()).isEqualTo("WORKSTOPPED");
		this.server.holding(0);
		assertThat(child.hear()).isEqualTo("QUEUED SIGHUP");
		assertThat(child.hear()).startsWith("DRAINED ");
	}

	@Test
	void aNewGenerationStartsItsBackgroundWorkOnceThePreviousOneStoppedItsOwnAndOnlyOnce() {
		FakeOs.Peer parent = this.os.peer();
		RestartCoordinator coordinator = child(parent, null);
		AtomicInteger starts = new AtomicInteger();
		coordinator.useWork(workStarting(starts::incrementAndGet));
		coordinator.ready();
		assertThat(parent.other().hear(WAIT)).isEqualTo("READY");
		assertThat(starts).as("not while the previous generation may still run its own").hasValue(0);
		parent.other().say("WORKSTOPPED");
		await().atMost(WAIT).until(() -> starts.get() == 1);
		parent.other().say("DRAINED 12");
		parent.other().close();
		await().atMost(WAIT).until(() -> coordinator.requestRestart("SIGHUP").accepted());
		assertThat(starts).hasValue(1);
	}

	@Test
	void aNewGenerationWhosePredecessorDiedBeforeStoppingItsWorkStartsItsOwn() {
		FakeOs.Peer parent = this.os.peer();
		RestartCoordinator coordinator = child(parent, null);
		CompletableFuture<Void> started = new CompletableFuture<>();
		coordinator.useWork(workStarting(() -> started.complete(null)));
		coordinator.ready();
		parent.other().hear(WAIT);
		parent.other().close();
		await().atMost(WAIT).until(started::isDone);
	}

	@Test
	void aPreviousGenerationThatDrainedCountsAsGoneOnceItsChannelClosesReapedOrNot() {
		FakeOs.Peer parent = this.os.peer();
		RestartCoordinator coordinator = child(parent, null);
		coordinator.ready();
		parent.other().hear(WAIT);
		parent.other().say("DRAINED 12");
		await().atMost(WAIT)
			.until(() -> coordinator.requestRestart("SIGHUP").reason(),
					(reason) -> reason != null && reason.contains("has drained and is still shutting down"));
		// It exited: its descriptors closed, whether anyone reaped it yet or not (a
		// zombie). The trigger that came meanwhile runs now.
		parent.other().close();
		this.os.awaitSpawn();
		assertThat(coordinator.state()).isEqualTo(RestartState.RESTARTING);
	}

	@Test
	void aStopWhileThePreviousGenerationDrainsWaitsUntilItEnded() throws Exception {
		FakeOs.Peer parent = this.os.peer();
		RestartCoordinator coordinator = child(parent, null);
		coordinator.ready();
		parent.other().hear(WAIT);
		CompletableFuture<Void> closing = CompletableFuture.runAsync(coordinator::close);
		Thread.sleep(300);
		assertThat(closing).as("waits for the draining generation").isNotDone();
		parent.other().close();
		closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
	}

	@Test
	void aNewGenerationSaysWhyItIsNotReadyAndIsStoppedWithoutStoppingTheService() {
		FakeOs.Peer parent = this.os.peer();
		RestartCoordinator coordinator = child(parent, null);
		List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
		coordinator.addListener(new RestartListener() {

			@Override
			public void stopping() {
				heard.add("stopping");
			}

		});
		this.os.alive(4000);
		assertThat(coordinator.predecessorServing()).isTrue();
		coordinator.notReady(List.of("db"), "health group 'readiness' is DOWN: db DOWN");
		assertThat(parent.other().hear(WAIT)).isEqualTo("NOTREADY db health group 'readiness' is DOWN: db DOWN");
		// The previous generation stops it (SIGTERM at its start-up timeout): its context
		// closes.
		coordinator.close();
		assertThat(coordinator.isShuttingDown()).isTrue();
		assertThat(heard).as("a generation that never served does not tell systemd the service stops").isEmpty();
		this.os.dead(4000);
		assertThat(coordinator.predecessorServing()).isFalse();
	}

	@Test
	void garbageFromThePreviousGenerationIsSkipped() {
		FakeOs.Peer parent = this.os.peer();
		RestartCoordinator coordinator = child(parent, null);
		coordinator.ready();
		parent.other().hear(WAIT);
		parent.other().say("DRAINED soon");
		parent.other().say("DRAINED 3");
		await().atMost(WAIT)
			.until(() -> coordinator.requestRestart("SIGHUP").reason(),
					(reason) -> reason != null && reason.contains("has drained"));
	}

	@Test
	void whenTheSupervisorIsGoneASupervisedGenerationKeepsServingAndRefusesRestarts() {
		FakeOs.Peer supervisor = this.os.peer();
		RestartCoordinator coordinator = child(supervisor, 1);
		coordinator.ready();
		assertThat(supervisor.other().hear(WAIT)).isEqualTo("READY");
		supervisor.other().close();
		await().atMost(WAIT)
			.until(() -> coordinator.requestRestart("SIGHUP").reason(),
					(reason) -> "the supervisor is gone".equals(reason));
		assertThat(coordinator.state()).isEqualTo(RestartState.SERVING);
	}

	/** Background work that does {@code onStart} when started, and nothing to stop. */
	private static GenerationWork workStarting(Runnable onStart) {
		return new GenerationWork() {

			@Override
			public List<String> stop() {
				return List.of();
			}

			@Override
			public void start() {
				onStart.run();
			}

		};
	}

	private RestartCoordinator serving(RestartSettings settings) {
		RestartCoordinator coordinator = new RestartCoordinator(settings, this.os, Handoff.none(),
				() -> List.of(this.server), () -> new ChildCommandLine("/jdk/bin/java", List.of("-jar", "app.jar")),
				this.handedOver::complete);
		coordinator.ready();
		return coordinator;
	}

	private RestartCoordinator child(FakeOs.Peer channel, Integer supervisorPid) {
		Handoff handoff = Handoff.of(2, (supervisorPid != null) ? null : 4000, supervisorPid,
				new HandoverChannel(this.os, channel.fd()));
		return new RestartCoordinator(settings(WAIT), this.os, handoff, () -> List.of(this.server),
				() -> new ChildCommandLine("/jdk/bin/java", List.of("-jar", "app.jar")), this.handedOver::complete);
	}

	private static RestartSettings settings(Duration startupTimeout) {
		return new RestartSettings(startupTimeout, Duration.ofSeconds(5), Duration.ofMillis(300));
	}

	private static RestartAttempt awaitLast(RestartCoordinator coordinator, RestartResult result) {
		return await().atMost(WAIT)
			.until(() -> coordinator.status().history().stream().findFirst().orElse(null),
					(attempt) -> attempt != null && attempt.result() == result);
	}

}
