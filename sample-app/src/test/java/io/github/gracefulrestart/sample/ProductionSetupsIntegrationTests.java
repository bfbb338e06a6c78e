package io.github.gracefulrestart.sample;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What production services run with: a JMX remote port in the JVM options, which a second
 * JVM could not bind while the first holds it.
 */
class ProductionSetupsIntegrationTests {

	@TempDir
	Path workDir;

	@Test
	void aJmxRemotePortIsCarriedAcrossRestartsAndAnswersOnEachNewGeneration() throws Exception {
		int port;
		try (ServerSocket free = new ServerSocket(0)) {
			port = free.getLocalPort();
		}
		List<String> jmx = List.of("-Dcom.sun.management.jmxremote.port=" + port,
				"-Dcom.sun.management.jmxremote.rmi.port=" + port, "-Dcom.sun.management.jmxremote.host=127.0.0.1",
				"-Djava.rmi.server.hostname=127.0.0.1", "-Dcom.sun.management.jmxremote.authenticate=false",
				"-Dcom.sun.management.jmxremote.ssl=false");
		try (SampleApp app = SampleApp.start(SampleApp.Server.TOMCAT, this.workDir, jmx);
				HttpLoad load = HttpLoad.start(app.port(), 4, 10, Duration.ofMinutes(10))) {
			long pid = app.servingPid();
			assertThat(SampleApp.jmxPid(port)).isEqualTo(pid);
			for (int restart = 1; restart <= 3; restart++) {
				SampleApp.signal(pid, "HUP");
				long next = app.awaitTakeover(pid);
				await("the JMX port to answer on generation " + (restart + 1)).atMost(Duration.ofSeconds(30))
					.ignoreExceptions()
					.until(() -> SampleApp.jmxPid(port) == next);
				pid = next;
			}
			load.stop();
			assertThat(load.failures()).as("%s", load).isZero();
			assertThat(app.log()).contains("started its JMX remote agent (jmxremote.port=" + port);
		}
	}

}
