package io.github.gracefulrestart.supervisor;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SupervisorJvm}: the supervisor's JVM, which an exec started and
 * nothing can undo, takes none of the application's JVM option variables; the generations
 * get them back.
 */
class SupervisorJvmTests {

	@Test
	void theOptionVariablesAreKeptAsideForTheGenerations() {
		Map<String, String> application = Map.of("JAVA_TOOL_OPTIONS", "-Dcom.sun.management.jmxremote.port=9010",
				"JDK_JAVA_OPTIONS", "-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "_JAVA_OPTIONS",
				"-Xmx4g", "LANG", "C");
		Map<String, String> supervisor = SupervisorJvm.forSupervisor(application);
		assertThat(supervisor).doesNotContainKeys("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")
			.containsEntry("LANG", "C")
			.containsEntry("GRACEFUL_RESTART_GENERATIONS_JAVA_TOOL_OPTIONS",
					"-Dcom.sun.management.jmxremote.port=9010");
		assertThat(SupervisorJvm.forGenerations(supervisor)).isEqualTo(application);
	}

	@Test
	void theSupervisorsJvmChoosesItsOwnCollectorAndUnlocksTheExperimentalTrim() {
		assertThat(SupervisorJvm.command())
			.hasValueSatisfying((command) -> assertThat(command).contains("-XX:+UseSerialGC")
				.containsSubsequence("-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=60000"));
	}

}
