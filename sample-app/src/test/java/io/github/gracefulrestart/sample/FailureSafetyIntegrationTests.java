package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A restart can never take the service down: new generations that crash or hang, triggers
 * in bursts, an old generation killed mid-restart, SIGTERM during a restart, resources
 * across many restarts. Real processes, real signals, real clients.
 */
class FailureSafetyIntegrationTests {

	@TempDir
	Path workDir;

	@Test
	void newGenerationsThatCannotStartChangeNothingForClients() throws Exception {
		try (SampleApp app = SampleApp.start(this.workDir);
				HttpLoad load = HttpLoad.start(app.port(), 4, 20, Duration.ofMinutes(10))) {
			long pid = app.servingPid();
			app.writeConfig("graceful-restart:\n  startup-timeout: banana\n");
			assertFails(app, pid, "HUP", "ended before it was ready: exit code 1");
			assertThat(app.log()).contains("graceful-restart.startup-timeout");

			app.writeConfig("sample:\n  fail-on-start: true\n");
			assertFails(app, pid, "POST", "ended before it was ready: exit code 1");
			assertThat(app.log()).contains("sample.fail-on-start is set");
			// A generation that never became ready has no draining predecessor to wait
			// for.
			assertThat(app.log()).doesNotContain("still drains: waiting until it has ended");

			app.deleteConfig();
			Path corrupt = this.workDir.resolve("corrupt.jar");
			Files.writeString(corrupt, "not a jar");
			Files.move(corrupt, app.jar(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			assertFails(app, pid, "HUP", "ended before it was ready: exit code 1");

			Files.delete(app.jar());
			assertFails(app, pid, "HUP", "ended before it was ready: exit code 1");

			String failed = app.management("GET", "/actuator/metrics/graceful.restart.attempts?tag=result:failed")
				.body();
			assertThat((Double) JsonPath.read(failed, "$.measurements[0].value")).isEqualTo(4.0);

			app.deployVersion("2");
			SampleApp.signal(pid, "HUP");
			long next = app.awaitTakeover(pid);
			assertThat(app.get("/hello").body()).isEqualTo("Hello from version 2 pid " + next + "\n");
			load.stop();
			assertThat(load.failures()).as("%s", load).isZero();
			String history = await().atMost(SampleApp.STARTUP)
				.until(app::status, (status) -> ((List<?>) JsonPath.read(status, "$.history")).size() == 5);
			assertThat((List<String>) JsonPath.read(history, "$.history[*].result")).containsExactly("SUCCEEDED",
					"FAILED", "FAILED", "FAILED", "FAILED");
		}
	}

	@Test
	void aHungNewGenerationIsStoppedAndTheTriggersMeanwhileRunAsOneRestartAfterIt() throws Exception {
		try (SampleApp app = SampleApp.start(this.workDir, "--graceful-restart.startup-timeout=20s");
				HttpLoad load = HttpLoad.start(app.port(), 4, 20, Duration.ofMinutes(10))) {
			long pid = app.servingPid();
			app.writeConfig("sample:\n  startup-delay: 10m\n");
			SampleApp.signal(pid, "HUP");
			String id = await().atMost(Duration.ofSeconds(30))
				.until(() -> SampleApp.json(app.status(), "$.lastRestart.id"), (value) -> value != null);
			AtomicInteger maxProcesses = new AtomicInteger();
			for (int i = 0; i < 4; i++) {
				SampleApp.signal(pid, "HUP");
				maxProcesses.accumulateAndGet(app.pids().size(), Math::max);
			}
			for (int i = 0; i < 3; i++) {
				RawHttp.Response queued = app.management("POST", "/actuator/gracefulrestart");
				assertThat(queued.status()).as(queued.body()).isEqualTo(202);
				assertThat((Boolean) JsonPath.read(queued.body(), "$.queued")).isTrue();
				assertThat((String) JsonPath.read(queued.body(), "$.id")).as("the one that runs").isEqualTo(id);
				maxProcesses.accumulateAndGet(app.pids().size(), Math::max);
			}
			// The deploy that the queued triggers were for: the next generation reads it.
			await().atMost(SampleApp.STARTUP).until(() -> app.log().contains("Delaying start-up"));
			app.deleteConfig();
			String status = await().atMost(SampleApp.STARTUP)
				.until(app::status, (json) -> ((List<?>) JsonPath.read(json, "$.history")).size() == 2
						&& "SUCCEEDED".equals(SampleApp.json(json, "$.history[0].result")));
			assertThat((List<String>) JsonPath.read(status, "$.history[*].result")).as("seven triggers, one restart")
				.containsExactly("SUCCEEDED", "TIMED_OUT");
			int hung = JsonPath.read(status, "$.history[1].newPid");
			assertThat(Path.of("/proc/" + hung)).as("stopped and reaped, no zombie").doesNotExist();
			assertThat(maxProcesses.get()).isLessThanOrEqualTo(2);
			long next = app.awaitTakeover(pid);
			load.stop();
			assertThat(load.failures()).as("%s", load).isZero();
			assertThat(app.servingPid()).isEqualTo(next);
			assertThat(app.log()).contains("queued: a restart is already RESTARTING");
		}
	}

	@Test
	void whenTheOldGenerationIsKilledTheNewOneFinishesStartingAndServesAlone() throws Exception {
		try (SampleApp app = SampleApp.start(this.workDir)) {
			long pid = app.servingPid();
			app.writeConfig("sample:\n  startup-delay: 5s\n");
			SampleApp.signal(pid, "HUP");
			await().atMost(Duration.ofSeconds(60)).until(() -> app.pids().size() == 2);
			try (HttpLoad newConnections = HttpLoad.start(app.port(), 0, 20, Duration.ofMinutes(5))) {
				SampleApp.signal(pid, "KILL");
				long next = await().atMost(SampleApp.STARTUP)
					.until(() -> SampleApp.pidIn(app.get("/hello").body()), (serving) -> serving != pid);
				newConnections.stop();
				// Requests in flight on the killed process may fail; none may be refused.
				assertThat(newConnections.connectErrors()).as("%s", newConnections).isZero();
				assertThat(app.pids()).containsExactly(next);
				assertThat((Integer) JsonPath.read(app.status(), "$.generation")).isEqualTo(2);
			}
			// The survivor restarts like any other generation.
			app.deleteConfig();
			long survivor = app.servingPid();
			SampleApp.signal(survivor, "HUP");
			long third = app.awaitTakeover(survivor);
			assertThat((Integer) JsonPath.read(app.status(), "$.generation")).isEqualTo(3);
			assertThat(app.pids()).containsExactly(third);
		}
	}

	@Test
	void sigtermDuringARestartStopsBothGenerations() throws Exception {
		try (SampleApp app = SampleApp.start(this.workDir)) {
			long pid = app.servingPid();
			app.writeConfig("sample:\n  startup-delay: 10m\n");
			SampleApp.signal(pid, "HUP");
			await().atMost(Duration.ofSeconds(60)).until(() -> app.pids().size() == 2);
			SampleApp.signal(pid, "TERM");
			await().atMost(Duration.ofSeconds(90)).until(() -> app.pids().isEmpty());
			assertThat(app.exitCodeOfFirst(Duration.ofSeconds(10))).isPresent();
		}
	}

	@Test
	void theOldGenerationExitsPastTheDrainTimeoutWhateverIsStuck() throws Exception {
		// A shutdown phase far longer than the test: only the drain timeout may bound the
		// exit.
		try (SampleApp app = SampleApp.start(this.workDir, "--graceful-restart.drain-timeout=1s",
				"--spring.lifecycle.timeout-per-shutdown-phase=10m")) {
			long pid = app.servingPid();
			CompletableFuture<Object> stuck = CompletableFuture.supplyAsync(() -> {
				try {
					return app.get("/sleep?ms=120000");
				}
				catch (IOException ex) {
					return ex;
				}
			});
			await().atMost(Duration.ofSeconds(30)).until(() -> app.log().contains("Initializing Servlet"));
			SampleApp.signal(pid, "HUP");
			app.awaitTakeover(pid);
			assertThat(app.log()).contains("connection(s) still open after PT1S").doesNotContain("halting it");
			assertThat(app.exitCodeOfFirst(Duration.ofSeconds(10))).as("closed normally, not halted").contains(0);
			assertThat(stuck.get(60, TimeUnit.SECONDS)).as("the stuck request was cut when its generation ended")
				.isInstanceOf(IOException.class);
		}
	}

	@Test
	void jvmWithoutSignalSupportWarnsOnceAndStillRestartsThroughTheEndpoint() throws Exception {
		try (SampleApp app = SampleApp.start(this.workDir, List.of("-Xrs"))) {
			long pid = app.servingPid();
			assertThat(app.log())
				.containsOnlyOnce("The JVM runs with -Xrs, so SIGHUP cannot trigger a graceful restart");
			assertThat(app.management("POST", "/actuator/gracefulrestart").status()).isEqualTo(202);
			app.awaitTakeover(pid);
		}
	}

	@Test
	void resourcesStayFlatAcross25Restarts() throws Exception {
		Path tmp = SampleApp.tmpDir(this.workDir);
		// A command line over one page (the JDK's ProcessHandle.Info reports no argument
		// then) travels whole from generation to generation.
		String longOption = "-Dsample.long-option=" + "x".repeat(6 * 1024);
		try (SampleApp app = SampleApp.start(this.workDir, List.of(longOption))) {
			long pid = app.servingPid();
			Resources baseline = null;
			for (int restart = 1; restart <= 25; restart++) {
				SampleApp.signal(pid, "HUP");
				pid = app.awaitTakeover(pid);
				for (int i = 0; i < 20; i++) {
					app.get("/hello");
				}
				Resources now = Resources.of(pid, tmp);
				// From generation 5 on, after the JIT and the heap of the first ones
				// settled.
				if (restart == 4) {
					baseline = now;
				}
				// A child that has just exited is a zombie until its parent reaps it (a
				// background run of the old generation, stopped as the restart began, is
				// reaped while the old one closes at the lowest priority): only one that
				// stays is a leak.
				int after = restart;
				await("no zombie after restart " + after).atMost(Duration.ofSeconds(30))
					.untilAsserted(
							() -> assertThat(zombiesUnder(app.pids())).as("zombies after restart %d", after).isEmpty());
				if (baseline != null) {
					assertThat(now.fds()).as("fds after restart %d (baseline %s)", restart, baseline)
						.isBetween(baseline.fds() - 3, baseline.fds() + 3);
					assertThat(now.threads()).as("threads after restart %d (baseline %s)", restart, baseline)
						.isBetween(baseline.threads() - 10, baseline.threads() + 10);
					assertThat(now.commandLine()).as("command line after restart %d", restart)
						.isEqualTo(baseline.commandLine())
						.contains(longOption);
					assertThat(now.environment()).as("environment after restart %d", restart)
						.isEqualTo(baseline.environment());
				}
			}
			Resources last = Resources.of(pid, tmp);
			// Each generation deletes its Tomcat temp directories as its context closes.
			assertThat(last.tempFiles()).as("temp files after 25 restarts (baseline %s): %s", baseline, tree(tmp))
				.isLessThanOrEqualTo(baseline.tempFiles());
			// Each generation is a new JVM whose heap G1 sizes as it goes (100 MB apart
			// between generations started alike were seen): this catches growth from
			// generation to generation, not a few megabytes.
			assertThat(last.rssKb()).as("RSS of generation 26 against generation 5 (%s)", baseline)
				.isLessThan(baseline.rssKb() * 3 / 2);
			assertThat((Integer) JsonPath.read(app.status(), "$.generation")).isEqualTo(26);
		}
	}

	private static void assertFails(SampleApp app, long pid, String trigger, String message) throws Exception {
		Object before = JsonPath.read(app.status(), "$.history.length()");
		if (trigger.equals("POST")) {
			assertThat(app.management("POST", "/actuator/gracefulrestart").status()).isEqualTo(202);
		}
		else {
			SampleApp.signal(pid, trigger);
		}
		String status = await().atMost(SampleApp.STARTUP)
			.until(app::status, (json) -> !JsonPath.read(json, "$.history.length()").equals(before));
		assertThat((String) JsonPath.read(status, "$.lastRestart.result")).isEqualTo("FAILED");
		assertThat((String) JsonPath.read(status, "$.lastRestart.message")).contains(message);
		assertThat((String) JsonPath.read(status, "$.state")).isEqualTo("SERVING");
		int child = JsonPath.read(status, "$.lastRestart.newPid");
		assertThat(Path.of("/proc/" + child)).as("reaped, no zombie").doesNotExist();
		assertThat(app.servingPid()).isEqualTo(pid);
		assertThat(app.pids()).containsExactly(pid);
	}

	private static List<String> tree(Path dir) throws IOException {
		try (var walk = Files.walk(dir)) {
			return walk.map(Path::toString).sorted().toList();
		}
	}

	/**
	 * Zombies whose parent is one of {@code parents}: children a generation failed to
	 * reap.
	 */
	private static List<String> zombiesUnder(List<Long> parents) throws IOException {
		try (var processes = Files.list(Path.of("/proc"))) {
			return processes.filter((dir) -> dir.getFileName().toString().matches("\\d+")).filter((dir) -> {
				try {
					List<String> status = Files.readAllLines(dir.resolve("status"));
					return status.stream().anyMatch((line) -> line.startsWith("State:\tZ")) && status.stream()
						.filter((line) -> line.startsWith("PPid:"))
						.anyMatch((line) -> parents.contains(Long.parseLong(line.substring(5).trim())));
				}
				catch (IOException | RuntimeException ex) {
					return false;
				}
			}).map(Path::toString).toList();
		}
	}

	/**
	 * What a process holds. The environment is its variables' names: their values, such
	 * as the generation number, change by design; a variable added per generation would
	 * not.
	 */
	record Resources(int fds, int threads, long rssKb, long tempFiles, List<String> commandLine,
			List<String> environment) {

		static Resources of(long pid, Path tmp) throws IOException {
			Path proc = Path.of("/proc/" + pid);
			int fds;
			try (var list = Files.list(proc.resolve("fd"))) {
				fds = (int) list.count();
			}
			List<String> status = Files.readAllLines(proc.resolve("status"));
			int threads = Integer.parseInt(field(status, "Threads:"));
			long rss = Long.parseLong(field(status, "VmRSS:").replace("kB", "").trim());
			long tempFiles;
			try (var walk = Files.walk(tmp)) {
				tempFiles = walk.count();
			}
			List<String> environment = nulSeparated(proc.resolve("environ")).stream()
				.map((variable) -> variable.substring(0, Math.max(0, variable.indexOf('='))))
				.sorted()
				.toList();
			return new Resources(fds, threads, rss, tempFiles, nulSeparated(proc.resolve("cmdline")), environment);
		}

		private static List<String> nulSeparated(Path file) throws IOException {
			return List.of(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).split("\0"));
		}

		private static String field(List<String> status, String name) {
			return status.stream()
				.filter((line) -> line.startsWith(name))
				.findFirst()
				.orElseThrow()
				.substring(name.length())
				.trim();
		}

	}

}
