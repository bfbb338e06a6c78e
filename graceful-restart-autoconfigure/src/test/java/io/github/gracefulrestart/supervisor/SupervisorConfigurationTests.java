package io.github.gracefulrestart.supervisor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.gracefulrestart.RestartSettings;
import io.github.gracefulrestart.process.ChildCommandLine;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SupervisorConfiguration}: what travels into the supervisor's JVM.
 */
class SupervisorConfigurationTests {

	@Test
	void encodedConfigurationDecodesToTheSame() throws Exception {
		Map<String, InetSocketAddress> listeners = new LinkedHashMap<>();
		listeners.put("server", new InetSocketAddress(8080));
		listeners.put("management", new InetSocketAddress(InetAddress.getByName("::1"), 0));
		SupervisorConfiguration configuration = new SupervisorConfiguration(
				new ChildCommandLine("/usr/bin/java", List.of("-Dname=a b&c=d", "-jar", "app.jar", "--x=%20")),
				listeners, new RestartSettings(Duration.ofMinutes(2), Duration.ofSeconds(30), Duration.ofSeconds(10)),
				"USR1", Path.of("/run/app pid"), 3);
		SupervisorConfiguration decoded = SupervisorConfiguration.decode(configuration.encode());
		assertThat(decoded).isEqualTo(configuration);
		// From a launcher of an older version, which did not say when to give up.
		String older = configuration.encode().replace("&giveUpAfter=3", "");
		assertThat(SupervisorConfiguration.decode(older).giveUpAfter()).isEqualTo(Supervisor.DEFAULT_GIVE_UP_AFTER);
		assertThat(decoded.listeners().keySet()).containsExactly("server", "management");
		assertThat(decoded.listeners().get("server").getAddress().isAnyLocalAddress()).isTrue();
	}

	@Test
	void aMalformedConfigurationNamesTheVariable() {
		assertThatIllegalArgumentException().isThrownBy(() -> SupervisorConfiguration.decode("executable=/bin/java"))
			.withMessageContaining(SupervisorConfiguration.VARIABLE);
	}

}
