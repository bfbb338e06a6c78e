package io.github.gracefulrestart.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ChildStopper}, on real child processes reaped as the restart machinery reaps
 * them: by one reaper thread per child.
 */
class ChildStopperTests {

	private final JnrNativeOs os = JnrNativeOs.load();

	@Test
	void whenTheChildStopsOnSigtermItEndsBySigterm() {
		int pid = this.os.spawn("/bin/sleep", List.of("sleep", "600"), List.of(), new int[0]);
		CompletableFuture<ExitStatus> exit = reaped(pid);
		new ChildStopper(this.os, Duration.ofMinutes(1)).stop(pid, exit, "sleep");
		assertThat(exit.join()).isEqualTo(new ExitStatus(-1, 15));
	}

	@Test
	void whenTheChildIgnoresSigtermItIsKilledAfterTheGracePeriod() {
		// An ignored signal stays ignored across exec: sleep ignores TERM, as a hung JVM may.
		int pid = this.os.spawn("/bin/sh", List.of("sh", "-c", "trap '' TERM; exec sleep 600"), List.of(),
				new int[0]);
		CompletableFuture<ExitStatus> exit = reaped(pid);
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> ignoresSigterm(pid));
			new ChildStopper(this.os, Duration.ofMillis(500)).stop(pid, exit, "stubborn shell");
			assertThat(exit.join()).isEqualTo(new ExitStatus(-1, 9));
		}
		finally {
			this.os.kill(pid, 9);
		}
	}

	@Test
	void whenTheChildWasReapedAlreadyNothingIsSignalled() {
		int pid = this.os.spawn("/bin/true", List.of("true"), List.of(), new int[0]);
		CompletableFuture<ExitStatus> exit = reaped(pid);
		assertThat(exit.join()).isEqualTo(new ExitStatus(0, 0));
		new ChildStopper(this.os, Duration.ofMinutes(1)).stop(pid, exit, "true");
		assertThat(exit.join()).isEqualTo(new ExitStatus(0, 0));
	}

	/** Whether {@code pid} runs {@code sleep} with SIGTERM (15) ignored: the shell trapped and exec'd. */
	private static boolean ignoresSigterm(int pid) throws IOException {
		Path status = Path.of("/proc/" + pid + "/status");
		List<String> lines = Files.readAllLines(status);
		long ignored = lines.stream().filter((line) -> line.startsWith("SigIgn:")).findFirst()
			.map((line) -> Long.parseUnsignedLong(line.substring(7).trim(), 16)).orElse(0L);
		return lines.contains("Name:\tsleep") && (ignored & (1L << 14)) != 0;
	}

	private CompletableFuture<ExitStatus> reaped(int pid) {
		// Its own thread: waitpid blocks, and the common pool may have a single thread here.
		return CompletableFuture.supplyAsync(() -> this.os.waitFor(pid), (task) -> new Thread(task, "reaper").start());
	}

}
