package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.jayway.jsonpath.JsonPath;
import io.github.gracefulrestart.sample.SampleApp.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A new generation boots at a lower CPU priority, warms itself up through a private
 * connector before it takes over, and gets its priority back: on both servers, real
 * processes. Outside a restart the app is one JVM that runs the user's command line.
 */
class WarmGenerationIntegrationTests {

	@TempDir
	Path workDir;

	@ParameterizedTest
	@EnumSource(value = Server.class, names = { "TOMCAT", "JETTY" })
	void newGenerationBootsNicedWarmsUpPrivatelyTheRoutesClientsUsedThenTakesOverAtNormalPriority(Server server)
			throws Exception {
		// No path configured: /hello is warmed up because a client asked for it
		// (servingPid).
		try (SampleApp app = SampleApp.start(server, this.workDir, List.of(), "--graceful-restart.warmup.paths=")) {
			long oldPid = app.servingPid();
			assertThat(niceValues(oldPid)).containsOnly(0);
			// Generation 2 waits in a runner before it is ready: long enough to look at
			// it.
			app.writeConfig("sample:\n  startup-delay: 4s\n");
			SampleApp.signal(oldPid, "HUP");
			long child = await("generation 2 to be spawned").atMost(Duration.ofSeconds(30))
				.until(() -> ProcessHandle.of(oldPid)
					.flatMap((old) -> old.children().filter(WarmGenerationIntegrationTests::isGeneration).findFirst()),
						Optional::isPresent)
				.get()
				.pid();
			// Started lowered, from its first instruction (through nice(1)); nothing of
			// the serving one changes.
			assertThat(niceValues(child))
				.as("every thread of the new generation as it starts: %s",
						ProcessHandle.of(child).map(ProcessHandle::info))
				.containsOnly(10);
			assertThat(niceValues(oldPid)).as("every thread of the serving generation").containsOnly(0);
			await("generation 2 to boot niced").atMost(SampleApp.STARTUP)
				.until(() -> app.log().contains("Delaying start-up"));
			// Unless it was starved (a machine busy with something else): then it stepped
			// up, and said so.
			String stepped = "waited for a CPU longer than it ran: it boots at nice ";
			List<Integer> booting = niceValues(child);
			if (!app.log().contains(stepped)) {
				assertThat(booting).as("every thread of the booting generation").containsOnly(10);
			}
			long newPid = app.awaitTakeover(oldPid);
			assertThat(newPid).isEqualTo(child);
			assertThat(niceValues(newPid, false)).as("priority back once it took over").containsOnly(0);
			assertThat(niceValues(newPid, true)).as("but for the JIT compilers', for 20 s (unless it stepped up)")
				.containsOnly(app.log().contains(stepped) ? 0 : 10);
			String status = app.status();
			// 200 to each of two paths at most, fewer once response times settled (rounds
			// of 20, three at least; a request in flight on the second thread may
			// complete after).
			int requests = JsonPath.read(status, "$.warmup.requests");
			if (JsonPath.<Boolean>read(status, "$.warmup.settled")) {
				assertThat(requests).isBetween(60, 401);
			}
			else {
				assertThat(requests).isEqualTo(400);
			}
			assertThat((Integer) JsonPath.read(status, "$.warmup.errors")).isZero();
			assertThat(app.log()).contains(
					"Warm-up: " + requests + " request(s) to [server /hello, management /actuator/health], 0 error(s)");
		}
	}

	@Test
	void outsideARestartTheAppIsOneJvmThatRunsTheUsersCommandLine() throws Exception {
		try (SampleApp app = SampleApp.start(this.workDir)) {
			long first = app.servingPid();
			List<String> users = SampleApp.arguments(first);
			assertThat(app.pids()).as("processes of the app's jar").containsExactly(first);
			assertThat(ProcessHandle.of(first).orElseThrow().children()).as("processes the generation started")
				.isEmpty();
			SampleApp.signal(first, "HUP");
			long second = app.awaitTakeover(first);
			await("generation 1 to exit").atMost(Duration.ofSeconds(60)).until(() -> !SampleApp.isAlive(first));
			assertThat(app.pids()).containsExactly(second);
			assertThat(ProcessHandle.of(second).orElseThrow().children()).isEmpty();
			List<String> next = SampleApp.arguments(second);
			// The user's arguments exactly: the jar's manifest opens sun.nio.ch and
			// enables native access, so the handover adds nothing (the Jetty sample's,
			// which does not open it, gets the option added: see the restart tests).
			assertThat(next.subList(1, next.size())).isEqualTo(users.subList(1, users.size()));
		}
	}

	/**
	 * Also run on JDK 25 (see the jdk25 profile of the pom), where the archive is an AOT
	 * cache: the JVM refuses one recorded with other module options than it runs with, so
	 * this also shows that a generation's command line is the user's.
	 */
	@Test
	void aCdsArchiveOrAotCacheFromSpringBootsEfficientDeploymentIsUsedByEveryGeneration() throws Exception {
		boolean aotCache = SampleApp.javaFeatureVersion() >= 24;
		// At build time, as Spring Boot documents it: the jar extracted, a training run
		// records the archive. The extracted jar goes where SampleApp runs its jar from.
		Path extracted = this.workDir.resolve("extracted");
		run(List.of(SampleApp.javaExecutable(), "-Djarmode=tools", "-jar",
				Server.TOMCAT.jar().toAbsolutePath().toString(), "extract", "--destination", extracted.toString()));
		Files.move(extracted.resolve("lib"), this.workDir.resolve("lib"));
		Files.move(extracted.resolve("sample-app.jar"), this.workDir.resolve("app.jar"));
		Path archive = this.workDir.resolve(aotCache ? "app.aot" : "app.jsa");
		run(List.of(SampleApp.javaExecutable(),
				(aotCache ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + archive,
				"-Dspring.context.exit=onRefresh", "-jar", this.workDir.resolve("app.jar").toString(),
				"--server.port=0", "--management.server.port=0"));
		assertThat(archive).isRegularFile();
		// -Xshare:on, -XX:AOTMode=on: a JVM that cannot use the archive does not start,
		// so a generation that serves has used it.
		List<String> options = aotCache ? List.of("-XX:AOTCache=" + archive, "-XX:AOTMode=on")
				: List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on");
		try (SampleApp app = SampleApp.start(this.workDir, options)) {
			long first = app.servingPid();
			SampleApp.signal(first, "HUP");
			long second = app.awaitTakeover(first);
			assertThat(SampleApp.arguments(second)).containsSubsequence(options);
			assertThat(app.get("/hello").body()).isEqualTo("Hello from version 1 pid " + second + "\n");
		}
	}

	private void run(List<String> command) throws Exception {
		Path log = this.workDir.resolve("build-step.log");
		Process process = new ProcessBuilder(command).directory(this.workDir.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			assertThat(process.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)).as("%s ends", command).isTrue();
			assertThat(process.exitValue()).as("%s: %s", command, Files.readString(log)).isZero();
		}
		finally {
			process.destroyForcibly();
		}
	}

	/**
	 * The next generation, once it runs its JVM: not {@code nice} before it executes the
	 * JVM, and not the moment between the spawn and that, when the child still shares its
	 * parent's memory (and so its command line and environment).
	 */
	private static boolean isGeneration(ProcessHandle child) {
		try {
			return child.info().command().filter((command) -> command.endsWith("/java")).isPresent()
					&& environmentOf(child.pid()).contains("GRACEFUL_RESTART_GENERATION=2");
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * A process's environment as it started ({@code /proc/PID/environ}),
	 * {@code NAME=value} entries.
	 */
	private static List<String> environmentOf(long pid) throws IOException {
		byte[] environment = Files.readAllBytes(Path.of("/proc/" + pid + "/environ"));
		return List.of(new String(environment, StandardCharsets.UTF_8).split("\0"));
	}

	private static List<Integer> niceValues(long pid) throws IOException {
		List<Integer> values = new java.util.ArrayList<>(niceValues(pid, false));
		values.addAll(niceValues(pid, true));
		return values.stream().distinct().toList();
	}

	/** The nice values of a JVM's JIT compiler threads, or of its other threads. */
	private static List<Integer> niceValues(long pid, boolean compilers) throws IOException {
		try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
			return tasks.map((task) -> {
				try {
					boolean compiler = Files.readString(task.resolve("comm")).matches("(C1|C2|JVMCI) Compiler.*\\s*");
					String stat = Files.readString(task.resolve("stat"));
					return (compiler == compilers)
							? Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]) : null;
				}
				catch (IOException ex) {
					return null;
				}
			}).filter(java.util.Objects::nonNull).distinct().toList();
		}
	}

}
