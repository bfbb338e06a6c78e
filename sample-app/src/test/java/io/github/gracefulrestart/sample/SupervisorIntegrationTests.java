package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import io.github.gracefulrestart.sample.SampleApp.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The supervisor, on real processes: as PID 1 of its own pid namespace (the way a
 * container runs {@code java -jar app.jar}), and as a service manager's main process
 * ({@code graceful-restart.supervisor=always}).
 */
class SupervisorIntegrationTests {

	/**
	 * A memory limit for a container of the sample app (supervisor and two generations
	 * during a restart): {@code bench/run.sh --memory-limit} measured 448 MB as the
	 * smallest that survives ten restarts under load (docs/kubernetes.md); this is that
	 * with a margin for a slower machine.
	 */
	static final long CONTAINER_MEMORY_MB = 768;

	@TempDir
	Path workDir;

	/**
	 * What docs/docker/Dockerfile builds, run as a container runs it: its
	 * {@code ENTRYPOINT} as PID 1 of a pid namespace of its own, in its {@code WORKDIR}
	 * with the jar where it puts it and the configuration beside it, in a memory cgroup
	 * limited as a container of it would be (see {@link #CONTAINER_MEMORY_MB}). (These
	 * machines have no container engine and no registry to pull the base image from: the
	 * namespace and the cgroup are what the engine would make.) The image opens a JMX
	 * port through {@code JAVA_TOOL_OPTIONS}, which PID 1's own JVM must not take.
	 */
	@Test
	void theDockerImageRunsAsPid1UnderItsMemoryLimitRestartsUnderLoadReapsOrphansAndStopsGracefully() throws Exception {
		assumeThat(unshareWorks()).as("unshare --pid (root) is available").isTrue();
		List<String> dockerfile = Files.readAllLines(Path.of("../docs/docker/Dockerfile"));
		assertThat(dockerfile).as("exec form, so that the JVM is PID 1")
			.contains("WORKDIR /app", "COPY target/app.jar /app/app.jar",
					"ENTRYPOINT [\"java\", \"-jar\", \"/app/app.jar\"]");
		Path image = Files.createDirectories(this.workDir.resolve("app"));
		Files.createDirectories(image.resolve("config"));
		Files.writeString(image.resolve("config/application.yml"), "sample:\n  version: image-1\n");
		Optional<MemoryCgroup> limited = MemoryCgroup.create(CONTAINER_MEMORY_MB);
		assumeThat(limited).as("a memory cgroup (root, memory controller)").isPresent();
		List<String> launcher = new java.util.ArrayList<>(limited.get().launcher());
		launcher.addAll(List.of("unshare", "--pid", "--fork", "--mount-proc"));
		// A JMX port opened through the environment, as images often do: not by the
		// supervisor's JVM, by the serving generation, carried across restarts.
		int jmx = SampleApp.freeLoopbackPort();
		Map<String, String> environment = Map.of("JAVA_TOOL_OPTIONS", "-Dcom.sun.management.jmxremote.port=" + jmx
				+ " -Dcom.sun.management.jmxremote.rmi.port=" + jmx
				+ " -Dcom.sun.management.jmxremote.host=127.0.0.1 -Djava.rmi.server.hostname=127.0.0.1"
				+ " -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false");
		try (MemoryCgroup cgroup = limited.get();
				SampleApp app = SampleApp.start(Server.TOMCAT, image, launcher, environment, List.of())) {
			long supervisor = await("PID 1 of the namespace").atMost(Duration.ofSeconds(30))
				.until(() -> ProcessHandle.of(app.firstPid()).flatMap((unshare) -> unshare.children().findFirst()),
						Optional::isPresent)
				.get()
				.pid();
			assertThat(namespacePid(supervisor)).isEqualTo(1);
			String status = app.status();
			assertThat((String) JsonPath.read(status, "$.mode")).isEqualTo("SUPERVISED");
			assertThat((Integer) JsonPath.read(status, "$.supervisorPid")).isEqualTo(1);
			assertThat(app.get("/hello").body()).contains("version image-1");
			try (HttpLoad load = HttpLoad.start(app.port(), 16, 10, Duration.ofMinutes(10))) {
				for (int generation = 2; generation <= 4; generation++) {
					// A new configuration beside the jar (a mounted volume): read by the
					// next generation.
					Files.writeString(image.resolve("config/application.yml"),
							"sample:\n  version: image-" + generation + "\n");
					SampleApp.signal(supervisor, "HUP");
					awaitServingAlone(app, generation);
					assertThat(app.get("/hello").body()).contains("version image-" + generation);
					long serving = SampleApp.pidIn(app.get("/hello").body());
					await("the JMX port to answer on generation " + generation).atMost(Duration.ofSeconds(30))
						.ignoreExceptions()
						.until(() -> SampleApp.jmxPid(jmx) == serving);
					await("one generation under the supervisor").atMost(Duration.ofSeconds(60))
						.until(() -> children(supervisor, "java").size() == 1);
					assertThat(SampleApp.isAlive(supervisor)).isTrue();
					assertThat(zombiesUnder(supervisor)).isEmpty();
				}
				load.stop();
				assertThat(load.failures()).as("%s", load).isZero();
				assertThat(load.pids()).hasSize(4);
			}
			assertThat(cgroup.oomKills()).as("OOM kills in %s", cgroup).isZero();
			System.out.printf("Container under a %d MB limit: peak %d MB across 3 restarts%n", CONTAINER_MEMORY_MB,
					cgroup.peakMb());
			assertThat((Integer) JsonPath.read(app.status(), "$.history.length()")).isEqualTo(3);

			// A process whose parent ends is handed to PID 1, which must reap it.
			Process orphanMaker = new ProcessBuilder("nsenter", "--target", String.valueOf(supervisor), "--pid", "--",
					"sh", "-c", "sleep 3 & exit 0")
				.inheritIO()
				.start();
			assertThat(orphanMaker.waitFor(30, TimeUnit.SECONDS)).isTrue();
			await("the orphan to be given to PID 1").atMost(Duration.ofSeconds(10))
				.until(() -> children(supervisor, "sleep").size() == 1);
			await("the orphan to be reaped").atMost(Duration.ofSeconds(30))
				.until(() -> children(supervisor, "sleep").isEmpty() && zombiesUnder(supervisor).isEmpty());

			// docker stop: SIGTERM to PID 1 drains the request in flight, then everything
			// exits.
			CompletableFuture<RawHttp.Response> slow = CompletableFuture.supplyAsync(() -> get(app, "/sleep?ms=3000"));
			await().atMost(Duration.ofSeconds(30)).until(() -> app.log().contains("Holding a request for 3000 ms"));
			SampleApp.signal(supervisor, "TERM");
			assertThat(slow.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
			assertThat(app.exitCodeOfFirst(Duration.ofSeconds(60))).as(app.log()).contains(143);
			assertThat(app.pids()).isEmpty();
			assertThat(cgroup.oomKills()).as("OOM kills in %s", cgroup).isZero();
		}
	}

	@Test
	void asAServicesMainProcessItTakesEndpointRestartsRecoversFromCrashesAtAnyMomentAndSurvivesABadDeploy()
			throws Exception {
		try (SampleApp app = SampleApp.start(Server.TOMCAT, this.workDir, List.of(),
				"--graceful-restart.supervisor=always")) {
			long supervisor = app.firstPid();
			long first = app.servingPid();
			assertThat(first).isNotEqualTo(supervisor);
			assertThat(((Number) JsonPath.read(app.status(), "$.supervisorPid")).longValue()).isEqualTo(supervisor);

			RawHttp.Response accepted = app.management("POST", "/actuator/gracefulrestart");
			assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
			String status = awaitServingAlone(app, 2);
			assertThat((String) JsonPath.read(status, "$.lastRestart.trigger")).isEqualTo("ENDPOINT");
			assertThat((String) JsonPath.read(status, "$.lastRestart.result")).isEqualTo("SUCCEEDED");
			assertThat(SampleApp.isAlive(first)).isFalse();

			// A generation that dies while serving is replaced; connections wait in the
			// backlog.
			long second = app.servingPid();
			SampleApp.signal(second, "KILL");
			status = awaitServingAlone(app, 3);
			assertThat((String) JsonPath.read(status, "$.lastRestart.trigger")).isEqualTo("CRASH");
			assertThat((String) JsonPath.read(status, "$.lastRestart.message")).contains("killed by signal 9");
			assertThat(app.log())
				.contains("ended while serving (killed by signal 9); starting a new generation in 1 s");

			// The new generation killed while the old one drains a long request: another
			// starts and serves, the old one finishes that request, and no connection is
			// refused meanwhile.
			long third = app.servingPid();
			CompletableFuture<RawHttp.Response> slow = CompletableFuture.supplyAsync(() -> get(app, "/sleep?ms=20000"));
			await("the slow request to start").atMost(Duration.ofSeconds(30))
				.until(() -> app.log().contains("Holding a request for 20000 ms"));
			SampleApp.signal(supervisor, "HUP");
			await("generation 4 to take over").atMost(SampleApp.STARTUP)
				.ignoreExceptions()
				.until(app::status, (json) -> JsonPath.read(json, "$.generation").equals(4)
						&& SampleApp.json(json, "$.parentPid") != null);
			long fourth = app.servingPid();
			try (HttpLoad newConnections = HttpLoad.start(app.port(), 0, 10, Duration.ofMinutes(5))) {
				SampleApp.signal(fourth, "KILL");
				status = awaitServingAlone(app, 5);
				newConnections.stop();
				assertThat(newConnections.connectErrors()).as("%s", newConnections).isZero();
			}
			assertThat((String) JsonPath.read(status, "$.lastRestart.trigger")).isEqualTo("CRASH");
			assertThat((String) JsonPath.read(status, "$.lastRestart.message")).contains("killed by signal 9");
			assertThat(slow.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
			await("generation 3 to end").atMost(Duration.ofSeconds(60)).until(() -> !SampleApp.isAlive(third));

			// A deploy that cannot start leaves the serving generation untouched.
			long fifth = app.servingPid();
			app.writeConfig("sample:\n  fail-on-start: true\n");
			SampleApp.signal(supervisor, "HUP");
			status = await("the failed restart").atMost(SampleApp.STARTUP)
				.until(app::status, (json) -> "FAILED".equals(SampleApp.json(json, "$.lastRestart.result")));
			assertThat((String) JsonPath.read(status, "$.state")).isEqualTo("SERVING");
			assertThat((String) JsonPath.read(status, "$.lastRestart.message")).contains("ended before it was ready");
			assertThat(app.servingPid()).isEqualTo(fifth);
			assertThat(app.pids()).containsExactlyInAnyOrder(supervisor, fifth);
			assertThat((List<String>) JsonPath.read(status, "$.history[*].trigger")).containsExactly("SIGHUP", "CRASH",
					"SIGHUP", "CRASH", "ENDPOINT");
		}
	}

	@Test
	void aWebFluxAppOnNettyRestartsUnderItsSupervisorWithoutAFailedRequest() throws Exception {
		try (SampleApp app = SampleApp.start(Server.NETTY, this.workDir, List.of(),
				"--graceful-restart.supervisor=always")) {
			long supervisor = app.firstPid();
			assertThat(app.servingPid()).isNotEqualTo(supervisor);
			try (HttpLoad load = HttpLoad.start(app.port(), 8, 10, Duration.ofMinutes(5))) {
				for (int generation = 2; generation <= 3; generation++) {
					SampleApp.signal(supervisor, "HUP");
					awaitServingAlone(app, generation);
				}
				load.stop();
				assertThat(load.failures()).as("%s", load).isZero();
				assertThat(load.pids()).hasSize(3);
			}
		}
	}

	private static String awaitServingAlone(SampleApp app, int generation) {
		return await("generation " + generation + " to serve alone").atMost(SampleApp.STARTUP)
			.pollInterval(Duration.ofMillis(200))
			.ignoreExceptions()
			.until(app::status, (json) -> JsonPath.read(json, "$.generation").equals(generation)
					&& SampleApp.json(json, "$.parentPid") == null && "SERVING".equals(JsonPath.read(json, "$.state")));
	}

	private static RawHttp.Response get(SampleApp app, String path) {
		try {
			return app.get(path);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static boolean unshareWorks() throws InterruptedException {
		try {
			Process probe = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "true").start();
			return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** The pid of {@code pid} inside its own pid namespace (the last NSpid field). */
	private static long namespacePid(long pid) throws IOException {
		String[] nsPids = field(pid, "NSpid:").split("\\s+");
		return Long.parseLong(nsPids[nsPids.length - 1]);
	}

	/** Children of {@code parent} whose command is {@code command}. */
	private static List<Long> children(long parent, String command) {
		return ProcessHandle.of(parent)
			.map((handle) -> handle.children()
				.filter((child) -> child.info().command().map((path) -> path.endsWith("/" + command)).orElse(false))
				.map(ProcessHandle::pid)
				.toList())
			.orElse(List.of());
	}

	private static List<String> zombiesUnder(long parent) throws IOException {
		try (var processes = Files.list(Path.of("/proc"))) {
			return processes.filter((dir) -> dir.getFileName().toString().matches("\\d+")).filter((dir) -> {
				try {
					long pid = Long.parseLong(dir.getFileName().toString());
					return field(pid, "State:").startsWith("Z") && Long.parseLong(field(pid, "PPid:")) == parent;
				}
				catch (IOException | RuntimeException ex) {
					return false;
				}
			}).map(Path::toString).toList();
		}
	}

	private static String field(long pid, String name) throws IOException {
		return Files.readAllLines(Path.of("/proc/" + pid + "/status"))
			.stream()
			.filter((line) -> line.startsWith(name))
			.findFirst()
			.orElseThrow(() -> new IOException("no " + name + " for pid " + pid))
			.substring(name.length())
			.trim();
	}

}
