package io.github.gracefulrestart.process;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.gracefulrestart.socket.ChannelAdopter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ChildCommandLine}.
 */
class ChildCommandLineTests {

	@TempDir
	Path dir;

	@Test
	void jvmOptionsGoBeforeTheJarAndItsArguments() {
		ChildCommandLine line = ChildCommandLine.withJvmOptions("/jdk/bin/java",
				List.of("-Xmx256m", "-jar", "app.jar", "--server.port=8080"), List.of(ChannelAdopter.ADD_OPENS));
		assertThat(line.argv()).containsExactly("/jdk/bin/java", ChannelAdopter.ADD_OPENS, "-Xmx256m", "-jar",
				"app.jar", "--server.port=8080");
	}

	@Test
	void jvmOptionsAreNotAddedTwiceOverGenerations() {
		ChildCommandLine second = ChildCommandLine.withJvmOptions("/jdk/bin/java",
				List.of(ChannelAdopter.ADD_OPENS, "-jar", "app.jar"), List.of(ChannelAdopter.ADD_OPENS));
		assertThat(second.argv()).containsExactly("/jdk/bin/java", ChannelAdopter.ADD_OPENS, "-jar", "app.jar");
	}

	@Test
	void currentProcessIsThisJdksJavaByPathWithThisJvmsArgumentsAndOnlyTheHandoffOptionsItLacks() {
		ChildCommandLine line = ChildCommandLine.ofCurrentProcess();
		assertThat(line.executable()).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		// This JVM can adopt sockets when its command line or its jar's manifest opens
		// sun.nio.ch: then the next one can too, without the option. (Here the test JVM's
		// command line opens it: the option is there once, not added again.)
		if (!ChannelAdopter.canAdopt()) {
			assertThat(line.arguments()).contains(ChannelAdopter.ADD_OPENS);
		}
		assertThat(line.arguments().stream().filter(ChannelAdopter.ADD_OPENS::equals)).hasSizeLessThan(2);
		ProcessHandle.current()
			.info()
			.arguments()
			.ifPresent((arguments) -> assertThat(line.arguments()).containsSubsequence(arguments));
	}

	@Test
	void aCommandLineOfAnyLengthIsReadWholeAndByteForByte() throws Exception {
		// A shell that stops itself (no child of its own to leave behind) and ignores its
		// parameters.
		List<String> arguments = new ArrayList<>(List.of("-c", "kill -STOP $$", "sh"));
		for (int i = 0; i < 60; i++) {
			arguments.add("-Dproperty" + i + "=" + "x".repeat(90) + " spaces, quotes \" and ünïcode");
		}
		List<String> argv = new ArrayList<>(List.of("sh"));
		argv.addAll(arguments);
		JnrNativeOs os = JnrNativeOs.load();
		int pid = os.spawn("/bin/sh", argv, List.of(), new int[0]);
		try {
			Path cmdline = Path.of("/proc/" + pid + "/cmdline");
			// Read once the child has executed sleep (before, it may show nothing or this
			// JVM's).
			await().atMost(Duration.ofSeconds(30)).until(() -> Files.readAllBytes(cmdline).length > 6 * 1024);
			ChildCommandLine line = ChildCommandLine.of(cmdline, "/new/jdk/bin/java",
					List.of(ChannelAdopter.ADD_OPENS));
			assertThat(line.executable()).isEqualTo("/new/jdk/bin/java");
			assertThat(line.arguments()).endsWith(arguments.toArray(String[]::new));
			assertThat(line.arguments().get(0)).isEqualTo(ChannelAdopter.ADD_OPENS);
		}
		finally {
			os.kill(pid, 9);
			os.waitFor(pid);
		}
	}

	@Test
	void anEmptyCommandLineIsAnErrorThatSaysWhere() throws Exception {
		Path empty = Files.write(this.dir.resolve("cmdline"), new byte[0]);
		assertThatIllegalStateException().isThrownBy(() -> ChildCommandLine.of(empty, "/jdk/bin/java", List.of()))
			.withMessageContaining(empty.toString());
		Path one = Files.write(this.dir.resolve("one"), "java\0".getBytes(StandardCharsets.UTF_8));
		assertThat(ChildCommandLine.of(one, "/jdk/bin/java", List.of(ChannelAdopter.ADD_OPENS)).arguments())
			.containsExactly(ChannelAdopter.ADD_OPENS);
		assertThat(ChildCommandLine.of(one, "/jdk/bin/java", List.of()).arguments()).isEmpty();
	}

}
