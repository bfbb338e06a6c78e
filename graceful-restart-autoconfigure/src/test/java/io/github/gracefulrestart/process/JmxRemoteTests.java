package io.github.gracefulrestart.process;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JmxRemote}.
 */
class JmxRemoteTests {

	@Test
	void theJmxRemoteOptionsBecomeTheAgentsArgumentsWhenOneOpensAPort() {
		assertThat(JmxRemote.agentArguments(List.of("-Xmx256m", "-Dcom.sun.management.jmxremote.port=9010",
				"-Dcom.sun.management.jmxremote.authenticate=false", "-Dcom.sun.management.jmxremote.ssl=false", "-jar",
				"app.jar")))
			.contains("jmxremote.port=9010 jmxremote.authenticate=false jmxremote.ssl=false");
		assertThat(JmxRemote.agentArguments(List.of("-Dcom.sun.management.jmxremote", "-jar", "app.jar"))).isEmpty();
	}

	@Test
	void anOptionVariableLosesOnlyThePortOptions() {
		assertThat(JmxRemote.withoutPorts(" -XX:+UseG1GC -Dcom.sun.management.jmxremote.port=9010 "
				+ "-Dcom.sun.management.jmxremote.rmi.port=9011 -Dcom.sun.management.jmxremote.ssl=false "))
			.isEqualTo("-XX:+UseG1GC -Dcom.sun.management.jmxremote.ssl=false");
	}

	@Test
	void aDebugListenerOnAFixedAddressIsNamedOneOnAPortTheKernelPicksIsNot() {
		assertThat(JmxRemote
			.fixedDebugListener(List.of("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005")))
			.contains("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005");
		assertThat(JmxRemote.fixedDebugListener(List.of("-Xrunjdwp:transport=dt_socket,server=y,address=5005")))
			.isPresent();
		assertThat(JmxRemote.fixedDebugListener(List.of("-agentlib:jdwp=transport=dt_socket,server=y,address=0")))
			.isEmpty();
		assertThat(
				JmxRemote.fixedDebugListener(List.of("-agentlib:jdwp=transport=dt_socket,server=n,address=host:5005")))
			.as("it connects out")
			.isEmpty();
	}

}
