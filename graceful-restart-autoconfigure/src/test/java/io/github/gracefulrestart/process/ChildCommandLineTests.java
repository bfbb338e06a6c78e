package io.github.gracefulrestart.process;

import java.util.List;

import io.github.gracefulrestart.socket.ChannelAdopter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChildCommandLine}.
 */
class ChildCommandLineTests {

	@Test
	void jvmOptionsGoBeforeTheJarAndItsArguments() {
		ChildCommandLine line = ChildCommandLine.withJvmOptions("/jdk/bin/java",
				List.of("-Xmx256m", "-jar", "app.jar", "--server.port=8080"), List.of(ChannelAdopter.ADD_OPENS));
		assertThat(line.argv()).containsExactly("/jdk/bin/java", ChannelAdopter.ADD_OPENS, "-Xmx256m", "-jar", "app.jar",
				"--server.port=8080");
	}

	@Test
	void jvmOptionsAreNotAddedTwiceOverGenerations() {
		ChildCommandLine second = ChildCommandLine.withJvmOptions("/jdk/bin/java",
				List.of(ChannelAdopter.ADD_OPENS, "-jar", "app.jar"), List.of(ChannelAdopter.ADD_OPENS));
		assertThat(second.argv()).containsExactly("/jdk/bin/java", ChannelAdopter.ADD_OPENS, "-jar", "app.jar");
	}

	@Test
	void currentProcessIsThisJvmWithTheHandoffOptions() {
		ChildCommandLine line = ChildCommandLine.ofCurrentProcess();
		assertThat(line.executable()).isEqualTo(ProcessHandle.current().info().command().orElseThrow());
		assertThat(line.arguments()).contains(ChannelAdopter.ADD_OPENS)
			.containsSubsequence(ProcessHandle.current().info().arguments().orElseThrow());
	}

}
