package io.github.gracefulrestart.sample;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The unit files of {@code docs/systemd}, unchanged, run by a real systemd that is PID 1:
 * a container booted with {@code systemd-nspawn} over this machine's {@code /usr} and a
 * copy of its {@code /etc}, sharing its network, so that the load runs from here on
 * 127.0.0.1. Each unit only gets a drop-in with the ports (from the OS), as a user would
 * set them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SystemdUnitsIntegrationTests {

	private static final Path UNITS = Path.of("..", "docs", "systemd");

	private static final List<String> UNIT_NAMES = List.of("app.service", "app-activated.socket",
			"app-activated.service", "app-pidfile.service", "app-supervised.service");

	private Path dir;

	private Path root;

	private Process container;

	private long init;

	@BeforeAll
	void boot(@TempDir Path dir) throws Exception {
		this.dir = dir;
		assumeTrue("root".equals(System.getProperty("user.name")) && onPath("systemd-nspawn"),
				"booting systemd in a container takes root and systemd-nspawn (Debian: systemd-container)");
		this.root = this.dir.resolve("root");
		for (String directory : List.of("usr", "opt/app", "proc", "sys", "dev", "run", "tmp", "var", "root")) {
			Files.createDirectories(this.root.resolve(directory));
		}
		for (String link : List.of("bin", "lib", "lib64", "sbin")) {
			Files.createSymbolicLink(this.root.resolve(link), Path.of("usr", link));
		}
		assertThat(run(List.of("cp", "-a", "/etc", this.root.toString())).exitCode()).isZero();
		// nspawn looks for os-release before /usr is mounted; /etc/os-release links into
		// /usr.
		Path osRelease = this.root.resolve("etc/os-release");
		Files.deleteIfExists(osRelease);
		Files.copy(Path.of("/usr/lib/os-release"), osRelease);
		// An initialized machine id: no "first boot", which would enable every unit by
		// preset.
		Files.writeString(this.root.resolve("etc/machine-id"), UUID.randomUUID().toString().replace("-", "") + "\n");
		Files.writeString(this.root.resolve("etc/passwd"), "app:x:900:900::/opt/app:/usr/sbin/nologin\n",
				StandardOpenOption.APPEND);
		Files.writeString(this.root.resolve("etc/group"), "app:x:900:\n", StandardOpenOption.APPEND);
		for (String unit : UNIT_NAMES) {
			Files.copy(UNITS.resolve(unit), this.root.resolve("etc/systemd/system").resolve(unit));
		}
		// A unit with systemd's defaults (KillMode=control-group) and only the ExecStop=
		// line that docs/systemd.md asks for: without it, systemd 252 SIGKILLs a main pid
		// that is not its child and is the unit's only process at once on stop.
		Files.writeString(this.root.resolve("etc/systemd/system/app-plain.service"), """
				[Service]
				Type=notify
				NotifyAccess=all
				User=app
				WorkingDirectory=/opt/app
				ExecStart=/usr/bin/java -jar /opt/app/app.jar
				ExecReload=/bin/kill -HUP $MAINPID
				ExecStop=/bin/sh -c 'kill -TERM $$MAINPID && while kill -0 $$MAINPID 2>/dev/null; do sleep 0.1; done'
				SuccessExitStatus=143
				""");
		Files.copy(SampleApp.Server.TOMCAT.jar(), this.root.resolve("opt/app/app.jar"));
		assertThat(run(List.of("chown", "-R", "900:900", this.root.resolve("opt/app").toString())).exitCode()).isZero();
		// basic.target: none of the machine's own services (its /etc enables some) start
		// in there.
		this.container = new ProcessBuilder("systemd-nspawn", "--quiet", "--directory=" + this.root, "--bind-ro=/usr",
				"--register=no", "--keep-unit", "--console=pipe",
				"--machine=graceful-restart-" + UUID.randomUUID().toString().substring(0, 8), "--boot", "--",
				"systemd.unit=basic.target", "systemd.firstboot=off")
			.redirectInput(new File("/dev/null"))
			.redirectErrorStream(true)
			.redirectOutput(this.dir.resolve("console.log").toFile())
			.start();
		this.init = await("systemd to start in the container").atMost(Duration.ofSeconds(60))
			.until(() -> this.container.descendants()
				.filter((process) -> process.info().command().orElse("").endsWith("/systemd"))
				.mapToLong(ProcessHandle::pid)
				.findFirst()
				.orElse(-1), (pid) -> pid > 0);
		await("the container to boot").atMost(Duration.ofSeconds(120))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> List.of("running", "degraded").contains(inContainer("systemctl", "is-system-running").trim()));
	}

	@AfterAll
	void powerOff() throws Exception {
		if (this.container == null) {
			return;
		}
		// SIGTERM to nspawn powers the container off; every process of it dies with its
		// PID 1.
		this.container.destroy();
		if (!this.container.waitFor(60, TimeUnit.SECONDS)) {
			ProcessHandle.of(this.init).ifPresent(ProcessHandle::destroyForcibly);
			this.container.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		}
	}

	@AfterEach
	void stopUnits() throws Exception {
		if (this.container != null) {
			inContainer(List.of("systemctl", "stop", "app.service", "app-activated.socket", "app-activated.service",
					"app-pidfile.service", "app-supervised.service", "app-plain.service"));
			inContainer(List.of("systemctl", "reset-failed"));
		}
	}

	@Test
	void typeNotifyServiceFollowsTheMainPidAcrossReloadsUnderLoadAndStopsCleanly() throws Exception {
		Ports ports = setPorts("app.service");
		systemctl("start", "app.service"); // returns once READY=1 arrived (Type=notify)
		assertThat(show("app.service", "StatusText")).isEqualTo("Generation 1 serving");
		long mainPid = mainPid("app.service");
		assertThat(servingPid(ports.server())).isEqualTo(mainPid);
		try (HttpLoad load = HttpLoad.start(ports.server(), 8, 10, Duration.ofMinutes(6))) {
			// The second reload signals a main pid that is no child of systemd's.
			for (int generation = 2; generation <= 3; generation++) {
				mainPid = reloadAndAwaitNewMainPid("app.service", mainPid, generation);
				assertThat(servingPid(ports.server())).isEqualTo(mainPid);
			}
			load.stop();
			assertThat(load.failures()).as("%s", load).isZero();
			assertThat(load.ok()).isPositive();
		}
		assertThat(show("app.service", "NRestarts")).isEqualTo("0");
		stopCleanly("app.service");
	}

	@ParameterizedTest
	@ValueSource(strings = { "app.service", "app-plain.service" })
	void aStopWhileThePreviousGenerationDrainsLetsItFinishItsRequestInFlight(String unit) throws Exception {
		Ports ports = setPorts(unit);
		systemctl("start", unit);
		long first = mainPid(unit);
		byte[] body = new byte[1024 * 1024];
		new Random(7).nextBytes(body);
		try (RawHttp upload = new RawHttp(ports.server())) {
			// Half sent: generation 1 drains it until the rest comes, however long that
			// takes.
			OutputStream out = upload.open();
			out.write(("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + body.length + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.write(body, 0, body.length / 2);
			out.flush();
			systemctl("reload", unit);
			long second = await("systemd to learn the main pid of generation 2").atMost(SampleApp.STARTUP)
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> mainPid(unit), (pid) -> pid != first && pid > 0);
			assertThat(alive(first)).as("generation 1 drains the upload").isTrue();
			// app.service stops its main pid, generation 2, in ExecStop= and kills what
			// is left once that has ended; the plain unit's KillMode=control-group sends
			// SIGTERM to both generations at once. Either way generation 1 must be let
			// finish the upload.
			String cursor = cursor(unit);
			CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> {
				try {
					systemctl("stop", unit);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			await("generation 2 to end, or to wait for generation 1").atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> !alive(second) || journal(unit).contains("Shutting down while generation 1 (pid " + first
						+ ") still drains: waiting until it has ended"));
			assertThat(stop).as("the stop waits for the request generation 1 holds").isNotDone();
			assertThat(alive(first)).as("generation 1, holding the upload, is not killed").isTrue();
			out.write(body, body.length / 2, body.length - body.length / 2);
			out.flush();
			RawHttp.Response uploaded = upload.readResponse();
			assertThat(uploaded.status()).isEqualTo(200);
			assertThat(uploaded.body()).contains("Received " + body.length + " bytes").contains("pid " + first);
			stop.get(2, TimeUnit.MINUTES);
			assertThat(alive(second)).isFalse();
			assertStoppedCleanly(unit, cursor);
		}
	}

	@Test
	void aReloadWhoseGenerationFailsToStartLeavesTheServiceActiveOnTheServingGeneration() throws Exception {
		Ports ports = setPorts("app.service");
		systemctl("start", "app.service");
		long mainPid = mainPid("app.service");
		// The configuration on disk that the next generation reads makes it fail at
		// start-up.
		Path config = Files.createDirectories(this.root.resolve("opt/app/config")).resolve("application.yml");
		Files.writeString(config, "sample:\n  fail-on-start: true\n");
		try (HttpLoad load = HttpLoad.start(ports.server(), 8, 10, Duration.ofMinutes(4))) {
			systemctl("reload", "app.service");
			await("the failed restart to reach systemd").atMost(SampleApp.STARTUP)
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> show("app.service", "StatusText"), (status) -> status.startsWith("Restart FAILED"));
			load.stop();
			assertThat(load.failures()).as("%s", load).isZero();
		}
		finally {
			Files.delete(config);
		}
		assertThat(show("app.service", "ActiveState")).isEqualTo("active");
		assertThat(show("app.service", "SubState")).isEqualTo("running");
		assertThat(mainPid("app.service")).isEqualTo(mainPid);
		assertThat(servingPid(ports.server())).isEqualTo(mainPid);
		assertThat(show("app.service", "NRestarts")).isEqualTo("0");
		stopCleanly("app.service");
	}

	@Test
	void socketActivatedPairServesTheSystemdSocketAcrossReloadsAndStops() throws Exception {
		Ports ports = setPorts("app-activated.service");
		Files.writeString(dropIn("app-activated.socket"),
				"[Socket]\nListenStream=\nListenStream=127.0.0.1:" + ports.server() + "\n");
		systemctl("daemon-reload");
		systemctl("start", "app-activated.socket");
		assertThat(show("app-activated.service", "ActiveState")).isEqualTo("inactive");
		// The first connection starts the service and waits in the socket's backlog
		// meanwhile.
		long mainPid = servingPid(ports.server());
		assertThat(mainPid).isEqualTo(mainPid("app-activated.service"));
		try (HttpLoad load = HttpLoad.start(ports.server(), 8, 10, Duration.ofMinutes(4))) {
			mainPid = reloadAndAwaitNewMainPid("app-activated.service", mainPid, 2);
			load.stop();
			assertThat(load.failures()).as("%s", load).isZero();
		}
		assertThat(servingPid(ports.server())).isEqualTo(mainPid);
		assertThat(journal("app-activated.service"))
			.contains("Socket activation passed /127.0.0.1:" + ports.server() + " (fd 3) for listener 'server'");
		stopCleanly("app-activated.service");
		// systemd still holds the socket: the next connection starts the service again.
		assertThat(show("app-activated.socket", "ActiveState")).isEqualTo("active");
		assertThat(servingPid(ports.server())).isEqualTo(mainPid("app-activated.service"));
		// This time the main pid is systemd's own child, whose exit status (143 on
		// SIGTERM) it sees.
		stopCleanly("app-activated.service");
	}

	@Test
	void pidFileServiceFollowsThePidFileAcrossAReloadUnderLoad() throws Exception {
		Ports ports = setPorts("app-pidfile.service");
		systemctl("start", "app-pidfile.service"); // returns once the first generation
													// wrote the pid file
		long mainPid = mainPid("app-pidfile.service");
		assertThat(pidFile()).isEqualTo(String.valueOf(mainPid));
		try (HttpLoad load = HttpLoad.start(ports.server(), 8, 10, Duration.ofMinutes(4))) {
			long old = mainPid;
			systemctl("reload", "app-pidfile.service");
			mainPid = await("systemd to take the new pid from the pid file").atMost(SampleApp.STARTUP)
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> alive(old) ? old : mainPid("app-pidfile.service"), (pid) -> pid != old);
			load.stop();
			assertThat(load.failures()).as("%s", load).isZero();
		}
		assertThat(pidFile()).isEqualTo(String.valueOf(mainPid));
		assertThat(servingPid(ports.server())).isEqualTo(mainPid);
		assertThat(show("app-pidfile.service", "ActiveState")).isEqualTo("active");
		stopCleanly("app-pidfile.service");
	}

	@Test
	void supervisedServiceKeepsItsMainPidAcrossAReloadUnderLoad() throws Exception {
		Ports ports = setPorts("app-supervised.service");
		systemctl("start", "app-supervised.service");
		long supervisor = mainPid("app-supervised.service");
		long first = servingPid(ports.server());
		assertThat(first).isNotEqualTo(supervisor);
		try (HttpLoad load = HttpLoad.start(ports.server(), 8, 10, Duration.ofMinutes(4))) {
			systemctl("reload", "app-supervised.service");
			await("the supervised generation to be replaced").atMost(SampleApp.STARTUP)
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> !alive(first)
						&& show("app-supervised.service", "StatusText").equals("Generation 2 serving"));
			load.stop();
			assertThat(load.failures()).as("%s", load).isZero();
		}
		assertThat(servingPid(ports.server())).isNotEqualTo(first);
		assertThat(mainPid("app-supervised.service")).isEqualTo(supervisor);
		stopCleanly("app-supervised.service");
	}

	/**
	 * A unit with systemd's default {@code KillMode=control-group} and the
	 * {@code ExecStop=} line of the example units stops cleanly after a reload, when the
	 * serving generation, a main pid that is not systemd's child, is the unit's only
	 * process.
	 */
	@Test
	void aUnitWithSystemdsDefaultsAndTheExecStopLineStopsCleanlyAfterAReload() throws Exception {
		Ports ports = setPorts("app-plain.service");
		systemctl("start", "app-plain.service");
		long first = mainPid("app-plain.service");
		try (HttpLoad load = HttpLoad.start(ports.server(), 8, 10, Duration.ofMinutes(4))) {
			reloadAndAwaitNewMainPid("app-plain.service", first, 2);
			load.stop();
			assertThat(load.failures()).as("%s", load).isZero();
		}
		stopCleanly("app-plain.service");
	}

	/**
	 * {@code systemctl reload}, then wait until systemd names the new generation as the
	 * main pid, the old one is gone and the new one reports that it serves alone.
	 */
	private long reloadAndAwaitNewMainPid(String unit, long old, int generation) throws Exception {
		systemctl("reload", unit);
		long mainPid = await("systemd to learn the main pid of generation " + generation).atMost(SampleApp.STARTUP)
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> mainPid(unit), (pid) -> pid != old && pid > 0);
		await("generation " + generation + " to serve alone").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> !alive(old) && show(unit, "StatusText").equals("Generation " + generation + " serving"));
		assertThat(show(unit, "ActiveState")).isEqualTo("active");
		assertThat(show(unit, "SubState")).isEqualTo("running");
		return mainPid;
	}

	/**
	 * {@code systemctl stop}: the serving generation shuts down gracefully on SIGTERM,
	 * nothing is SIGKILLed, and systemd counts it a success (the JVM's 143 is one for
	 * these units). A unit whose main pid is not systemd's child (every generation after
	 * the first) once passed the last two checks with its JVM SIGKILLed at once: systemd
	 * did not wait for it, nor notice.
	 */
	private void stopCleanly(String unit) throws Exception {
		String cursor = cursor(unit);
		systemctl("stop", unit);
		assertStoppedCleanly(unit, cursor);
	}

	/** Where the unit's journal ends now. */
	private String cursor(String unit) throws Exception {
		return inContainer("journalctl", "--show-cursor", "-n", "0", "-u", unit).replaceAll("(?s).*-- cursor: ", "")
			.trim();
	}

	private void assertStoppedCleanly(String unit, String cursor) throws Exception {
		String stop = inContainer("journalctl", "--no-pager", "-o", "cat", "-u", unit, "--after-cursor", cursor);
		// The result first: on failure its message holds how the main process ended and
		// what the journal says of the stop (the whole journal is too long to survive in
		// a CI log).
		String ended = inContainer("systemctl", "show", "-p", "ExecMainPID,ExecMainCode,ExecMainStatus", unit);
		assertThat(show(unit, "Result")).as("%s%s", ended, stop).isEqualTo("success");
		assertThat(show(unit, "ActiveState")).isEqualTo("inactive");
		assertThat(stop).as(stop).contains("Graceful shutdown complete").doesNotContain("SIGKILL");
	}

	private Ports setPorts(String unit) throws Exception {
		Ports ports = new Ports(SampleApp.freeLoopbackPort(), SampleApp.freeLoopbackPort());
		Files.writeString(dropIn(unit), "[Service]\nEnvironment=SERVER_PORT=" + ports.server()
				+ " MANAGEMENT_SERVER_PORT=" + ports.management() + "\n");
		systemctl("daemon-reload");
		return ports;
	}

	private Path dropIn(String unit) throws IOException {
		return Files.createDirectories(this.root.resolve("etc/systemd/system").resolve(unit + ".d"))
			.resolve("test-ports.conf");
	}

	/**
	 * The pid in the answer of {@code GET /hello}: a pid of the container's namespace.
	 * Without an answer, the failure holds the end of the container's journal: what
	 * systemd and the generations said meanwhile.
	 */
	private long servingPid(int port) throws Exception {
		try {
			return await("an answer on port " + port).atMost(SampleApp.STARTUP).ignoreExceptions().until(() -> {
				try (RawHttp http = new RawHttp(port)) {
					RawHttp.Response response = http.get("/hello");
					assertThat(response.status()).isEqualTo(200);
					return SampleApp.pidIn(response.body());
				}
			}, (pid) -> pid > 0);
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError(ex.getMessage() + "\n" + inContainer("systemctl", "list-units", "--all", "app*")
					+ inContainer("journalctl", "--no-pager", "-o", "short-monotonic", "-n", "60"), ex);
		}
	}

	private long mainPid(String unit) throws Exception {
		return Long.parseLong(show(unit, "MainPID"));
	}

	private String pidFile() throws Exception {
		return inContainer("cat", "/run/app/app.pid").trim();
	}

	private boolean alive(long pid) throws Exception {
		return inContainer(List.of("kill", "-0", String.valueOf(pid))).exitCode() == 0;
	}

	private String show(String unit, String property) throws Exception {
		return inContainer("systemctl", "show", "--value", "-p", property, unit).trim();
	}

	private String journal(String unit) throws Exception {
		return inContainer("journalctl", "--no-pager", "-o", "cat", "-u", unit);
	}

	private void systemctl(String... arguments) throws Exception {
		List<String> command = new ArrayList<>(List.of("systemctl"));
		command.addAll(List.of(arguments));
		Result result = run(nsenter(command));
		assertThat(result.exitCode()).as("%s: %s", command, result.output()).isZero();
	}

	private String inContainer(String... command) throws Exception {
		return inContainer(List.of(command)).output();
	}

	private Result inContainer(List<String> command) throws Exception {
		return run(nsenter(command));
	}

	private List<String> nsenter(List<String> command) {
		List<String> nsenter = new ArrayList<>(List.of("nsenter", "-t", String.valueOf(this.init), "-a"));
		nsenter.addAll(command);
		return nsenter;
	}

	private Result run(List<String> command) throws Exception {
		Path output = Files.createTempFile(this.dir, "command", ".out");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectInput(new File("/dev/null"))
				.redirectOutput(output.toFile())
				.start();
			if (!process.waitFor(240, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				throw new IllegalStateException(command + " did not end: " + Files.readString(output));
			}
			return new Result(process.exitValue(), Files.readString(output));
		}
		finally {
			Files.delete(output);
		}
	}

	private static boolean onPath(String program) {
		return List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
			.stream()
			.anyMatch((directory) -> Files.isExecutable(Path.of(directory, program)));
	}

	private record Ports(int server, int management) {
	}

	private record Result(int exitCode, String output) {
	}

}
