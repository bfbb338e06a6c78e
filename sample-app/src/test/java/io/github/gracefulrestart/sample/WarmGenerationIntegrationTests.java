package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
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
 * A new generation boots at a lower CPU priority, warms itself up through a private connector
 * before it takes over, and gets its priority back: on both servers, real processes. Generations
 * after the first run the jar extracted, which the class-data archive can hold; a new jar starts
 * from the archive of the JDK's classes.
 */
class WarmGenerationIntegrationTests {

	@TempDir
	Path workDir;

	@ParameterizedTest
	@EnumSource(Server.class)
	void newGenerationBootsNicedWarmsUpPrivatelyThenTakesOverAtNormalPriority(Server server) throws Exception {
		try (SampleApp app = SampleApp.start(server, this.workDir, List.of())) {
			long oldPid = app.servingPid();
			assertThat(niceValues(oldPid)).containsOnly(0);
			// Generation 2 waits in a runner before it is ready: long enough to look at it.
			app.writeConfig("sample:\n  startup-delay: 4s\n");
			SampleApp.signal(oldPid, "HUP");
			long child = await("generation 2 to be spawned").atMost(Duration.ofSeconds(30))
				.until(() -> ProcessHandle.of(oldPid)
					.flatMap((old) -> old.children().filter(WarmGenerationIntegrationTests::isGeneration).findFirst()),
						Optional::isPresent)
				.get()
				.pid();
			// Started lowered, from its first instruction (through nice(1)); nothing of the serving one changes.
			assertThat(niceValues(child)).as("every thread of the new generation as it starts: %s",
					ProcessHandle.of(child).map(ProcessHandle::info)).containsOnly(10);
			assertThat(niceValues(oldPid)).as("every thread of the serving generation").containsOnly(0);
			await("generation 2 to boot niced").atMost(SampleApp.STARTUP)
				.until(() -> app.log().contains("Delaying start-up"));
			assertThat(niceValues(child)).as("every thread of the booting generation").containsOnly(10);
			long newPid = app.awaitTakeover(oldPid);
			assertThat(newPid).isEqualTo(child);
			assertThat(niceValues(newPid, false)).as("priority back once it took over").containsOnly(0);
			assertThat(niceValues(newPid, true)).as("but for the JIT compilers', for 20 s").containsOnly(10);
			String status = app.status();
			// 200 to each of two paths at most, fewer once response times settled (rounds of 20,
			// three at least; a request in flight on the second thread may complete after).
			int requests = JsonPath.read(status, "$.warmup.requests");
			if (JsonPath.<Boolean>read(status, "$.warmup.settled")) {
				assertThat(requests).isBetween(60, 401);
			}
			else {
				assertThat(requests).isEqualTo(400);
			}
			assertThat((Integer) JsonPath.read(status, "$.warmup.errors")).isZero();
			assertThat(app.log()).contains("Warm-up: " + requests
					+ " request(s) to [server /hello, management /actuator/health], 0 error(s)");
		}
	}

	@Test
	void generationsRunTheJarExtractedForTheArchiveAndStillReadTheJarOnDiskAtEachRestart() throws Exception {
		try (SampleApp app = SampleApp.start(this.workDir)) {
			long first = app.servingPid();
			// Once it serves, the first generation extracts the jar and records its archive in a
			// training run, in the background, so that the restart does neither.
			await("the jar extracted and its archive recorded ahead of the first restart")
				.atMost(Duration.ofSeconds(150))
				.until(() -> extractions(app) == 1 && app.log().contains("Class-data archive "));
			assertThat(app.log()).contains("Training run for the class-data archive done in ")
				.doesNotContain("No class-data archive");
			try (var files = Files.list(SampleApp.tmpDir(this.workDir))) {
				// A training run ends at onRefresh, where its server's directories exist and are
				// never deleted: it runs with a java.io.tmpdir of its own.
				assertThat(files.map((file) -> file.getFileName().toString()).filter((name) -> name.startsWith("tomcat")))
					.as("the serving generation's temporary directories (two per server), none of the training run's")
					.hasSize(4);
			}
			SampleApp.signal(first, "HUP");
			long second = app.awaitTakeover(first);
			assertThat(extractions(app)).as("no extraction again at the restart").isEqualTo(1);
			Path extracted = jarRunBy(second);
			assertThat(extracted.getParent().getFileName().toString()).endsWith(".extracted");
			assertThat(extracted.resolveSibling("lib")).isDirectory();
			assertThat(ProcessHandle.of(second).flatMap((process) -> process.info().arguments()).orElseThrow())
				.as("the first restart starts from the archive")
				.anyMatch((argument) -> argument.startsWith("-XX:SharedArchiveFile=")
						|| argument.startsWith("-XX:AOTCache="));
			assertThat(app.get("/hello").body()).isEqualTo("Hello from version 1 pid " + second + "\n");
			assertThat(jarDigestHandedTo(second)).as("the jar's digest travels: the generation need not read it again")
				.isEqualTo(sha256(app.jar()));

			// Once per JDK, also in the background: the archive of the JDK's classes, for any jar. The
			// directory is shared by the tests: another test's generation may have recorded it.
			Path jdkArchive = SampleApp.CLASS_DATA.resolve("jdk").resolve(
					"jdk" + System.getProperty("java.vm.version").replaceAll("[^A-Za-z0-9._-]", "_") + ".jsa");
			await("the JDK's archive recorded").atMost(Duration.ofSeconds(150))
				.until(() -> app.log().contains("JDK class-data archive ") || Files.isRegularFile(jdkArchive));
			app.deployVersion("2");
			SampleApp.signal(second, "HUP");
			long third = app.awaitTakeover(second);
			assertThat(app.get("/hello").body()).as("the new jar").isEqualTo("Hello from version 2 pid " + third + "\n");
			assertThat(jarRunBy(third)).as("run as it is: extracting it would delay the restart").isEqualTo(app.jar());
			assertThat(ProcessHandle.of(third).flatMap((process) -> process.info().arguments()).orElseThrow())
				.as("a new jar has no archive of its own yet: it starts from the JDK's")
				.anyMatch((argument) -> argument.startsWith("-XX:SharedArchiveFile=") && argument.contains("/jdk/jdk"));
			assertThat(jarDigestHandedTo(third)).as("the new jar's").isEqualTo(sha256(app.jar()));
			await("the new jar extracted in the background, for the next restart").atMost(Duration.ofSeconds(150))
				.until(() -> extractions(app) == 2);

			// The extracted copy is no stand-in for the user's jar: without it, no new generation.
			Files.delete(app.jar());
			SampleApp.signal(third, "HUP");
			String status = await().atMost(SampleApp.STARTUP)
				.until(app::status, (json) -> JsonPath.read(json, "$.history.length()").equals(3));
			assertThat((String) JsonPath.read(status, "$.lastRestart.result")).isEqualTo("FAILED");
			assertThat(app.servingPid()).isEqualTo(third);
		}
	}

	/** The digest of its jar in a generation's environment (GRACEFUL_RESTART_JAR_DIGEST). */
	private static String jarDigestHandedTo(long pid) throws IOException {
		return environmentOf(pid).stream()
			.filter((entry) -> entry.startsWith("GRACEFUL_RESTART_JAR_DIGEST="))
			.map((entry) -> entry.substring("GRACEFUL_RESTART_JAR_DIGEST=".length()).split("\\|")[0])
			.findFirst()
			.orElse(null);
	}

	private static String sha256(Path file) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
	}

	private static long extractions(SampleApp app) throws IOException {
		return app.log().lines().filter((line) -> line.contains("Extracted " + app.jar() + " into ")).count();
	}

	/**
	 * The next generation, once it runs its JVM: not the extraction or the training runs (whose
	 * environment holds no handoff), not {@code nice} before it executes the JVM, and not the
	 * moment between the spawn and that, when the child still shares its parent's memory (and so
	 * its command line and environment).
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

	/** A process's environment as it started ({@code /proc/PID/environ}), {@code NAME=value} entries. */
	private static List<String> environmentOf(long pid) throws IOException {
		byte[] environment = Files.readAllBytes(Path.of("/proc/" + pid + "/environ"));
		return List.of(new String(environment, StandardCharsets.UTF_8).split("\0"));
	}

	private static Path jarRunBy(long pid) {
		List<String> arguments = ProcessHandle.of(pid).flatMap((process) -> process.info().arguments())
			.map(List::of)
			.orElseThrow();
		return Path.of(arguments.get(arguments.indexOf("-jar") + 1));
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
