package io.github.gracefulrestart.process;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ExtractedJar} and how {@link ClassDataArchive} maps an extracted jar back to
 * the user's. Extracting a real Spring Boot jar is tested with the sample app's jar
 * ({@code WarmGenerationIntegrationTests}).
 */
class ExtractedJarTests {

	@TempDir
	Path dir;

	@Test
	void onlyASpringBootJarCarryingTheExtractionToolIsExtracted() throws Exception {
		Path boot = jar("boot.jar", "org.springframework.boot.loader.launch.JarLauncher",
				"BOOT-INF/lib/spring-boot-jarmode-tools-4.1.2.jar");
		assertThat(ExtractedJar.extractable(boot)).isTrue();
		assertThat(ExtractedJar.extractable(jar("without-tools.jar", "org.springframework.boot.loader.launch.JarLauncher",
				"BOOT-INF/lib/spring-core-7.0.10.jar"))).isFalse();
		assertThat(ExtractedJar.extractable(jar("properties.jar", "org.springframework.boot.loader.launch.PropertiesLauncher",
				"BOOT-INF/lib/spring-boot-jarmode-tools-4.1.2.jar"))).as("loader.path and friends need the launcher").isFalse();
		assertThat(ExtractedJar.extractable(jar("plain.jar", "com.example.Main", "com/example/Main.class"))).isFalse();
		Path notAJar = Files.writeString(this.dir.resolve("broken.jar"), "not a jar");
		assertThat(ExtractedJar.extractable(notAJar)).isFalse();
		assertThat(new ExtractedJar(this.dir.resolve("extracted"), 2).extract(notAJar, "broken-0", "java")).isNull();
	}

	@Test
	void aGenerationRunningAnExtractedJarGivesTheNextOneTheUsersJarAgain() throws Exception {
		Path archives = this.dir.resolve("archives");
		Path userJar = this.dir.resolve("app.jar");
		Path extracted = Files.createDirectories(archives.resolve("app-0123456789abcdef.extracted"));
		Path thin = Files.writeString(extracted.resolve("app.jar"), "thin");
		Files.writeString(extracted.resolve(".source"), userJar.toString());
		assertThat(ExtractedJar.sourceOf(thin)).isEqualTo(userJar);
		assertThat(ExtractedJar.sourceOf(userJar)).isEqualTo(userJar);

		ClassDataArchive classData = new ClassDataArchive(archives, 2, true, 17);
		ChildCommandLine running = new ChildCommandLine("/usr/bin/java", List.of("-jar", thin.toString(), "--x=1"));
		assertThat(classData.prepare(running).commandLine().arguments())
			.as("the user's jar is gone: the next generation fails on it, as it would have unextracted")
			.containsExactly("-jar", userJar.toString(), "--x=1");

		jar("app.jar", "com.example.Main", "com/example/Main.class");
		ClassDataArchive.Prepared prepared = classData.plan(running, true);
		assertThat(prepared.commandLine().arguments()).as("not a Spring Boot jar: trained and run as it is")
			.containsExactly("-XX:ArchiveClassesAtExit=" + prepared.recording(), "-Xlog:cds=off", "-jar",
					userJar.toString(), "--x=1");
	}

	@Test
	void aRestartNeverExtractsAJarNotExtractedAheadRunsAsItIs() throws Exception {
		Path archives = this.dir.resolve("archives");
		Path boot = bootJar();
		ClassDataArchive classData = new ClassDataArchive(archives, 2, true, 17);
		// A "java" whose extraction would succeed, so that only not trying leaves nothing behind.
		Path java = Files.writeString(this.dir.resolve("java"), """
				#!/bin/sh
				while [ $# -gt 0 ] && [ "$1" != "--destination" ]; do shift; done
				[ $# -ge 2 ] || exit 2
				mkdir -p "$2/lib" && echo thin > "$2/app.jar"
				""");
		java.toFile().setExecutable(true);
		ChildCommandLine command = new ChildCommandLine(java.toString(), List.of("-jar", boot.toString()));
		assertThat(classData.prepare(command).commandLine()).isEqualTo(command);
		try (var files = Files.list(archives)) {
			assertThat(files).as("no extraction").noneMatch((file) -> file.toString().contains(".extracted"));
		}
	}

	@Test
	void closingEndsAnExtractionUnderWayBeforeItReturns() throws Exception {
		Path archives = this.dir.resolve("archives");
		ClassDataArchive classData = new ClassDataArchive(archives, 2, true, 17);
		ClassDataArchiveTests.closeWhileABackgroundRunIsUnderWay(classData, this.dir.resolve("java"), bootJar());
		try (var files = Files.list(archives)) {
			assertThat(files).as("nothing extracted").noneMatch((file) -> file.toString().endsWith(".extracted"));
		}
	}

	@Test
	void preparingAheadOfARestartLeavesWhatPrepareWouldLeaveAlone() throws Exception {
		Path archives = this.dir.resolve("archives");
		Path boot = bootJar();
		ClassDataArchive classData = new ClassDataArchive(archives, 2, true, 17);
		// A command line with its own archive, one without a jar, one whose jar is gone.
		classData.prepareAhead(new ChildCommandLine("/usr/bin/java",
				List.of("-XX:SharedArchiveFile=/opt/app.jsa", "-jar", boot.toString())));
		classData.prepareAhead(new ChildCommandLine("/usr/bin/java", List.of("-cp", "app.jar", "Main")));
		classData.prepareAhead(new ChildCommandLine("/usr/bin/java",
				List.of("-jar", this.dir.resolve("gone.jar").toString())));
		assertThat(archives).as("nothing extracted, nothing trained").doesNotExist();
	}

	@Test
	void aFailedExtractionRunsTheJarAsItIsAndOnlyUnusedOldCopiesAreDeleted() throws Exception {
		Path directory = this.dir.resolve("extracted");
		List<Path> old = new java.util.ArrayList<>();
		for (int i = 1; i <= 4; i++) {
			Path copy = Files.createDirectories(directory.resolve("app-" + i + ".extracted"));
			Files.writeString(copy.resolve("app.jar"), "thin");
			Files.writeString(copy.resolve(".source"), "/opt/app" + i + "/app.jar");
			Files.setLastModifiedTime(copy.resolve(".source"), java.nio.file.attribute.FileTime.fromMillis(i * 1000L));
			old.add(copy);
		}
		// The oldest is what a running service was started from.
		Process running = new ProcessBuilder("sh", "-c", "read line", "-jar", old.get(0).resolve("app.jar").toString())
			.start();
		try {
			// Looks like a Spring Boot jar, but the JVM finds no launcher in it.
			Path fake = jar("fake.jar", "org.springframework.boot.loader.launch.JarLauncher",
					"BOOT-INF/lib/spring-boot-jarmode-tools-4.1.2.jar");
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			assertThat(new ExtractedJar(directory, 2).extract(fake, "fake-0", java)).isNull();
		}
		finally {
			running.destroyForcibly().waitFor();
		}
		assertThat(old.get(0)).as("in use").isDirectory();
		assertThat(old.get(1)).doesNotExist();
		assertThat(old.get(2)).isDirectory();
		assertThat(old.get(3)).isDirectory();
		try (var files = Files.list(directory)) {
			assertThat(files.map((file) -> file.getFileName().toString())).as("nothing of the failed extraction")
				.containsExactlyInAnyOrder("app-1.extracted", "app-3.extracted", "app-4.extracted", "runs");
		}
		assertThat(directory.resolve("runs")).as("the run's output and java.io.tmpdir").isEmptyDirectory();
	}

	/** A jar that looks like a Spring Boot one carrying the extraction tool (no classes in it). */
	private Path bootJar() throws Exception {
		return jar("app.jar", "org.springframework.boot.loader.launch.JarLauncher",
				"BOOT-INF/lib/spring-boot-jarmode-tools-4.1.2.jar");
	}

	private Path jar(String name, String mainClass, String entry) throws Exception {
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
		Path jar = this.dir.resolve(name);
		try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
			out.putNextEntry(new JarEntry(entry));
			out.closeEntry();
		}
		return jar;
	}

}
