package io.github.gracefulrestart.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ClassDataArchive}: which options each generation and each training run gets,
 * and the files' life (a real dead process stands for a recorder that has exited). The training
 * run itself, a real JVM of a real Spring Boot jar, is in the sample's integration tests.
 */
class ClassDataArchiveTests {

	@TempDir
	Path dir;

	@Test
	void aRecordingGoesIntoATemporaryFileThatBecomesTheArchiveOnceItsRecorderEnded() throws Exception {
		Path archives = this.dir.resolve("archives");
		ClassDataArchive classData = new ClassDataArchive(archives, 2, false, 17);
		ChildCommandLine command = command(jar("app.jar", "one"));
		ClassDataArchive.Prepared recording = classData.plan(command, true);
		assertThat(recording.archive()).isNull();
		assertThat(recording.recording().getParent()).isEqualTo(archives);
		assertThat(recording.commandLine().arguments()).startsWith("-XX:ArchiveClassesAtExit=" + recording.recording(),
				"-Xlog:cds=off");
		Process recorder = recorder(recording.recording());
		try {
			classData.started(recording, (int) recorder.pid());
			assertThat(classData.plan(command, true).commandLine()).as("one recorder at a time").isEqualTo(command);
		}
		finally {
			recorder.destroyForcibly().waitFor();
		}

		Files.writeString(recording.recording(), "archive");
		classData.started(recording, (int) deadPid());
		ClassDataArchive.Prepared using = classData.prepare(recording.commandLine());
		assertThat(using.archive()).isNotNull().exists().hasContent("archive");
		assertThat(using.commandLine().arguments()).containsExactly("-XX:SharedArchiveFile=" + using.archive(),
				"-Xlog:cds=off", "-jar", command.arguments().get(1)).as("the recording option does not travel on");
		assertThat(archives).isDirectoryNotContaining("glob:**.tmp");
	}

	@Test
	void aGenerationNeverRecordsItStartsWithoutAnArchiveUntilATrainingRunRecordedOne() throws Exception {
		ClassDataArchive classData = new ClassDataArchive(this.dir.resolve("archives"), 2, false, 25);
		ChildCommandLine command = command(jar("app.jar", "one"));
		ClassDataArchive.Prepared plain = classData.prepare(command);
		assertThat(plain.commandLine()).isEqualTo(command);
		assertThat(plain.archive()).isNull();
		assertThat(plain.recording()).isNull();
	}

	@Test
	void onJdk25ItIsTheAotCache() throws Exception {
		ClassDataArchive classData = new ClassDataArchive(this.dir.resolve("archives"), 2, false, 25);
		ClassDataArchive.Prepared recording = classData.plan(command(jar("app.jar", "one")), true);
		assertThat(recording.commandLine().arguments()).startsWith("-XX:AOTCacheOutput=" + recording.recording(),
				"-Xlog:cds=off,aot=off");
		Files.writeString(recording.recording(), "cache");
		classData.started(recording, (int) deadPid());
		ClassDataArchive.Prepared using = classData.prepare(recording.commandLine());
		assertThat(using.commandLine().arguments().get(0)).isEqualTo("-XX:AOTCache=" + using.archive());
		assertThat(using.archive().getFileName().toString()).endsWith(".aot");
	}

	@Test
	void whatAKilledRecorderLeftIsSweptAndAReusedPidHoldsNothing() throws Exception {
		Path archives = this.dir.resolve("archives");
		ClassDataArchive classData = new ClassDataArchive(archives, 2, false, 25);
		ChildCommandLine command = command(jar("app.jar", "one"));
		ClassDataArchive.Prepared killed = classData.plan(command, true);
		// Killed before it wrote anything but its training configuration.
		Files.writeString(killed.recording().resolveSibling(killed.recording().getFileName() + ".config"), "");
		classData.started(killed, (int) deadPid());
		ClassDataArchive.Prepared next = classData.plan(command, true);
		assertThat(next.recording()).as("recorded anew").isNotNull().isNotEqualTo(killed.recording());
		assertThat(archives).isEmptyDirectory();

		// The pid noted is alive but another process now: the recording is not in progress.
		classData.started(next, (int) ProcessHandle.current().pid());
		assertThat(classData.plan(command, true).recording()).isNotNull();
		assertThat(archives).isEmptyDirectory();
	}

	@Test
	void aNewJarGetsAnArchiveOfItsOwnAndOnlyTheMostRecentlyUsedAreKept() throws Exception {
		Path archives = Files.createDirectories(this.dir.resolve("archives"));
		for (String old : List.of("a-1-jdk17.jsa", "b-2-jdk17.jsa", "c-3-jdk17.jsa")) {
			Files.writeString(archives.resolve(old), old);
			Files.setLastModifiedTime(archives.resolve(old), FileTime.fromMillis(old.charAt(0) * 1000L));
		}
		ClassDataArchive classData = new ClassDataArchive(archives, 2, false, 17);
		ClassDataArchive.Prepared prepared = classData.plan(command(jar("app.jar", "two")), true);
		assertThat(prepared.recording()).isNotNull();
		try (var files = Files.list(archives)) {
			assertThat(files.map((file) -> file.getFileName().toString())).containsExactlyInAnyOrder("b-2-jdk17.jsa",
					"c-3-jdk17.jsa");
		}
	}

	@Test
	void whatAJvmKilledInTheMiddleOfABackgroundRunLeftIsSweptOnceAnHourOld() throws Exception {
		Path archives = Files.createDirectories(this.dir.resolve("archives"));
		Path jdk = Files.createDirectories(archives.resolve("jdk"));
		Path oldRun = Files.createDirectories(archives.resolve("runs").resolve("run123"));
		Files.createDirectories(oldRun.resolve("tmp").resolve("tomcat.0.123"));
		List<Path> left = List.of(oldRun.resolve("output.log"),
				jdk.resolve("jdk17.jsa.1a2b3c4d.classlist"), jdk.resolve("jdk17.jsa.1a2b3c4d.tmp"));
		for (Path file : left) {
			Files.writeString(file, "left");
			Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - TimeUnit.HOURS.toMillis(2)));
		}
		Files.setLastModifiedTime(oldRun, FileTime.fromMillis(System.currentTimeMillis() - TimeUnit.HOURS.toMillis(2)));
		Path running = Files.createDirectories(archives.resolve("runs").resolve("run456"));
		new ClassDataArchive(archives, 2, false, 17).prepare(command(jar("app.jar", "one")));
		assertThat(left).allSatisfy((file) -> assertThat(file).doesNotExist());
		assertThat(oldRun).doesNotExist();
		assertThat(running).as("a run under way").exists();
	}

	@Test
	void aGenerationThatFailedWithTheArchiveHasItDeleted() throws Exception {
		ClassDataArchive classData = new ClassDataArchive(this.dir.resolve("archives"), 2, false, 17);
		ChildCommandLine command = command(jar("app.jar", "one"));
		ClassDataArchive.Prepared recording = classData.plan(command, true);
		Files.writeString(recording.recording(), "archive");
		classData.started(recording, (int) deadPid());
		ClassDataArchive.Prepared using = classData.prepare(command);
		classData.failed(using);
		assertThat(using.archive()).doesNotExist();
	}

	@Test
	void aTrainingRunThatFailsIsNotTriedAgainForThatJarButANewJarIsTrained() throws Exception {
		Path archives = this.dir.resolve("archives");
		ClassDataArchive classData = new ClassDataArchive(archives, 2, false, 17);
		Path jar = jar("app.jar", "not a jar");
		ChildCommandLine command = new ChildCommandLine(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), List.of("-jar", jar.toString()));
		classData.prepareAhead(command); // a real JVM, which fails: "Invalid or corrupt jarfile"
		try (var files = Files.list(archives)) {
			assertThat(files.map((file) -> file.getFileName().toString())).filteredOn((name) -> !name.equals("runs"))
				.singleElement()
				.asString()
				.endsWith(".failed");
		}
		assertThat(classData.runs()).as("the run's output and java.io.tmpdir").isEmptyDirectory();
		try (var markers = Files.newDirectoryStream(archives, "*.failed")) {
			assertThat(markers.iterator().next()).content().contains("failed (exit code 1)");
		}
		assertThat(classData.plan(command, true).recording()).as("the same jar is not trained again").isNull();
		Files.writeString(jar, "a newer jar");
		assertThat(classData.plan(command, true).recording()).as("a new jar is").isNotNull();
	}

	@Test
	void aTrainingRunStoppedFromOutsideIsNoFailureAndIsTriedAgain() throws Exception {
		// What systemd's KillMode=control-group does at a stop: SIGTERM to every process, the
		// training run too. A stand-in java that gets it, as the JVM would.
		Path archives = this.dir.resolve("archives");
		ClassDataArchive classData = new ClassDataArchive(archives, 2, false, 17);
		Path java = this.dir.resolve("java");
		Files.writeString(java, "#!/bin/sh\nkill -TERM $$\n");
		java.toFile().setExecutable(true);
		ChildCommandLine command = new ChildCommandLine(java.toString(), List.of("-jar", jar("app.jar", "one").toString()));
		classData.prepareAhead(command);
		assertThat(archives).isDirectoryNotContaining("glob:**.{failed,tmp}");
		assertThat(classData.plan(command, true).recording()).as("tried again by the next generation").isNotNull();
	}

	@Test
	void closingEndsATrainingRunUnderWayBeforeItReturnsAndStartsNoOther() throws Exception {
		Path archives = this.dir.resolve("archives");
		ClassDataArchive classData = new ClassDataArchive(archives, 2, false, 17);
		ChildCommandLine command = closeWhileABackgroundRunIsUnderWay(classData, this.dir.resolve("java"),
				jar("app.jar", "one"));
		assertThat(archives).isDirectoryNotContaining("glob:**.{jsa,tmp,failed}");
		classData.prepareAhead(command);
		assertThat(sleepingChild()).as("no training run once closed").isEmpty();
	}

	/**
	 * Prepare ahead with a {@code java} whose every run (extraction, training run) would take two
	 * minutes after it wrote into its {@code java.io.tmpdir}, as a web server does, close once the
	 * first has started, and check that it has ended, and been reaped, when {@code close}
	 * returns, and that what it wrote is gone.
	 * @return the command line prepared
	 */
	static ChildCommandLine closeWhileABackgroundRunIsUnderWay(ClassDataArchive classData, Path java, Path jar)
			throws Exception {
		Files.writeString(java, """
				#!/bin/sh
				for argument; do
				  case "$argument" in -Djava.io.tmpdir=*) tmp="${argument#-Djava.io.tmpdir=}" ;; esac
				done
				mkdir "$tmp/tomcat.0.123" && echo work > "$tmp/tomcat.0.123/work" || exit 1
				exec sleep 120
				""");
		java.toFile().setExecutable(true);
		ChildCommandLine command = new ChildCommandLine(java.toString(), List.of("-jar", jar.toString()));
		CompletableFuture<Void> ahead = CompletableFuture.runAsync(() -> classData.prepareAhead(command));
		try {
			ProcessHandle run = await("the background run").atMost(Duration.ofSeconds(30))
				.until(ClassDataArchiveTests::sleepingChild, Optional::isPresent)
				.get();
			Path runs = classData.runs();
			try (Stream<Path> files = Files.walk(runs)) {
				assertThat(files.map(Path::toString)).as("its java.io.tmpdir is its own, in a directory of its own")
					.anyMatch((file) -> file.endsWith("/tmp/tomcat.0.123/work"));
			}
			classData.close();
			assertThat(run.isAlive()).as("ended, and reaped, when close returns").isFalse();
			assertThat(runs).as("what the run wrote is deleted when close returns").isEmptyDirectory();
			ahead.get(30, TimeUnit.SECONDS);
			assertThat(sleepingChild()).as("nothing started after it").isEmpty();
			return command;
		}
		finally {
			sleepingChildren().forEach(ProcessHandle::destroyForcibly);
		}
	}

	private static Optional<ProcessHandle> sleepingChild() {
		return sleepingChildren().findFirst();
	}

	/** The stand-in's runs: children of this JVM, none other of which is touched. */
	private static Stream<ProcessHandle> sleepingChildren() {
		return ProcessHandle.current()
			.children()
			.filter((child) -> child.info().command().orElse("").endsWith("/sleep"));
	}

	@Test
	void aJarWithoutAnArchiveOfItsOwnStartsFromTheArchiveOfTheJdksClassesThatAnyJarMayUse() throws Exception {
		Path archives = this.dir.resolve("archives");
		ClassDataArchive classData = new ClassDataArchive(archives, 2, false, Runtime.version().feature());
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		// Real JVMs: the training run of app.jar, then the run that lists its classes, then the dump.
		classData.prepareAhead(new ChildCommandLine(java, List.of("-jar", runnableJar("app.jar", "one").toString())));
		Path jdkArchive = classData.jdkArchive();
		assertThat(jdkArchive).isRegularFile().isNotEmptyFile();
		assertThat(archives).isDirectoryContaining("glob:**app-*.{jsa,aot}")
			.isDirectoryNotContaining("glob:**.{tmp,failed}");
		assertThat(jdkArchive.getParent()).isDirectoryNotContaining("glob:**.{tmp,classlist,log,failed}");

		ChildCommandLine newJar = new ChildCommandLine(java, List.of("-jar", runnableJar("new.jar", "two").toString()));
		ClassDataArchive.Prepared prepared = classData.prepare(newJar);
		assertThat(prepared.archive()).isEqualTo(jdkArchive);
		assertThat(prepared.commandLine().arguments()).startsWith("-XX:SharedArchiveFile=" + jdkArchive);
		// -Xshare:on: a JVM that cannot map the archive does not start. The class is none of the
		// JDK's default archive: it comes from this one.
		ChildCommandLine mapping = ChildCommandLine.withJvmOptions(java, prepared.commandLine().arguments(),
				List.of("-Xshare:on", "-Xlog:class+load=info"));
		Process process = new ProcessBuilder(mapping.argv()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor()).as(output).isZero();
		assertThat(output).contains("java.util.PriorityQueue source: shared objects file");

		ChildCommandLine trainedJar = new ChildCommandLine(java, List.of("-jar", this.dir.resolve("app.jar").toString()));
		assertThat(classData.prepare(trainedJar).archive()).as("a jar with an archive of its own uses that")
			.isNotNull()
			.isNotEqualTo(jdkArchive);
	}

	/** What the runnable jar runs: JDK classes that the JDK's default archive does not hold. */
	public static final class UsesTheJdk {

		public static void main(String[] args) {
			java.util.PriorityQueue<String> queue = new java.util.PriorityQueue<>(List.of(args));
			new java.util.concurrent.ConcurrentLinkedDeque<>(queue).forEach(System.out::println);
		}

	}

	/** A jar whose main class is {@link UsesTheJdk}; {@code content} tells two such jars apart. */
	private Path runnableJar(String name, String content) throws Exception {
		java.util.jar.Manifest manifest = new java.util.jar.Manifest();
		manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MAIN_CLASS, UsesTheJdk.class.getName());
		Path jar = this.dir.resolve(name);
		String entry = UsesTheJdk.class.getName().replace('.', '/') + ".class";
		try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest);
				var bytes = UsesTheJdk.class.getResourceAsStream("/" + entry)) {
			out.putNextEntry(new java.util.jar.JarEntry(entry));
			bytes.transferTo(out);
			out.putNextEntry(new java.util.jar.JarEntry("content.txt"));
			out.write(content.getBytes());
		}
		return jar;
	}

	@Test
	void theNextGenerationStartsFromTheDigestThisOneReadAndReadsAReplacedJarAgain() throws Exception {
		Path archives = this.dir.resolve("archives");
		ChildCommandLine command = command(jar("app.jar", "one"));
		ClassDataArchive parent = new ClassDataArchive(archives, 2, false, 17);
		String name = parent.plan(command, true).recording().getFileName().toString();
		List<String> environment = parent.handDownDigest(
				List.of("PATH=/usr/bin", ClassDataArchive.JAR_DIGEST + "=what the parent inherited"));
		assertThat(environment).hasSize(2).contains("PATH=/usr/bin");
		String handedDown = environment.stream()
			.filter((entry) -> entry.startsWith(ClassDataArchive.JAR_DIGEST + "="))
			.findFirst()
			.orElseThrow()
			.substring(ClassDataArchive.JAR_DIGEST.length() + 1);
		assertThat(handedDown).startsWith(name.substring("app-".length(), "app-".length() + 16));

		// A digest the child could only have taken from its parent, not from the jar.
		ClassDataArchive child = new ClassDataArchive(archives, 2, false, 17);
		child.inheritDigest("f".repeat(64) + handedDown.substring(64));
		assertThat(child.plan(command, true).recording().getFileName().toString()).startsWith("app-ffffffffffffffff-");

		Files.writeString(this.dir.resolve("app.jar"), "two");
		Files.setLastModifiedTime(this.dir.resolve("app.jar"), FileTime.fromMillis(0));
		assertThat(child.plan(command, true).recording().getFileName().toString()).as("a replaced jar is read again")
			.startsWith("app-")
			.doesNotStartWith("app-ffff")
			.doesNotStartWith(name.substring(0, 20));

		ClassDataArchive malformed = new ClassDataArchive(this.dir.resolve("other"), 2, false, 17);
		malformed.inheritDigest("not a digest");
		assertThat(malformed.plan(command, true).recording().getFileName().toString()).startsWith("app-")
			.doesNotStartWith("app-ffff");
	}

	@Test
	void aCommandLineThatChoosesItsOwnArchiveIsLeftAlone() throws Exception {
		ClassDataArchive classData = new ClassDataArchive(this.dir.resolve("archives"), 2, false, 17);
		ChildCommandLine own = new ChildCommandLine("/usr/bin/java",
				List.of("-XX:SharedArchiveFile=/opt/app/app.jsa", "-jar", jar("app.jar", "one").toString()));
		assertThat(classData.prepare(own).commandLine()).isEqualTo(own);
		ChildCommandLine noJar = new ChildCommandLine("/usr/bin/java", List.of("-cp", "classes", "Main"));
		assertThat(classData.prepare(noJar).commandLine()).isEqualTo(noJar);
	}

	private Path jar(String name, String content) throws Exception {
		Path jar = this.dir.resolve(name);
		Files.writeString(jar, content);
		return jar;
	}

	private static ChildCommandLine command(Path jar) {
		return new ChildCommandLine("/usr/bin/java", List.of("-jar", jar.toString()));
	}

	/**
	 * A live process whose command line names the recording, as a recording JVM's does: a shell
	 * reading its stdin (a pipe kept open), no child of its own.
	 */
	private static Process recorder(Path recording) throws Exception {
		return new ProcessBuilder("sh", "-c", "read line", "-XX:ArchiveClassesAtExit=" + recording).start();
	}

	private static long deadPid() throws Exception {
		Process process = new ProcessBuilder("true").start();
		process.waitFor();
		return process.pid();
	}

}
