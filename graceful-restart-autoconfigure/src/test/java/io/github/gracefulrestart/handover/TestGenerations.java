package io.github.gracefulrestart.handover;

import java.time.Duration;
import java.util.List;

import io.github.gracefulrestart.RestartSettings;
import io.github.gracefulrestart.RestartableServer;
import io.github.gracefulrestart.process.ChildCommandLine;
import io.github.gracefulrestart.process.FakeOs;

/**
 * Coordinators of generations over the fake OS, for tests outside this package.
 */
public final class TestGenerations {

	private TestGenerations() {
	}

	/**
	 * Return the coordinator of generation 2, started by a serving generation (pid 4000)
	 * that listens on the other end of {@code channel}.
	 * @param os the fake OS
	 * @param channel the channel to the serving generation
	 * @param server the generation's web server
	 * @return the coordinator
	 */
	public static RestartCoordinator secondGeneration(FakeOs os, FakeOs.Peer channel, RestartableServer server) {
		Handoff handoff = Handoff.of(2, 4000, null, new HandoverChannel(os, channel.fd()));
		return new RestartCoordinator(
				new RestartSettings(Duration.ofMinutes(1), Duration.ofSeconds(5), Duration.ofMillis(300)), os, handoff,
				() -> List.of(server), () -> new ChildCommandLine("/jdk/bin/java", List.of("-jar", "app.jar")),
				(attempt) -> {
				});
	}

}
