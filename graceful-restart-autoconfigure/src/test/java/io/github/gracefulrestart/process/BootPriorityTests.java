package io.github.gracefulrestart.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests for {@link BootPriority}, on this test JVM's real threads (lowered, then restored).
 */
class BootPriorityTests {

	private final JnrNativeOs os = JnrNativeOs.load();

	@Test
	void lowersEveryThreadAndTakesThePriorityBackWhenAllowed() throws Exception {
		BootPriority priority = new BootPriority(this.os);
		assumeThat(priority.canRestore()).as("CAP_SYS_NICE or RLIMIT_NICE (root)").isTrue();
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch done = new CountDownLatch(1);
		Thread existing = new Thread(() -> {
			started.countDown();
			try {
				done.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		existing.setDaemon(true);
		existing.start();
		started.await();
		try {
			assertThat(priority.lowerWhileBooting(10)).isTrue();
			assertThat(niceValues()).containsOnly(10);
			priority.restore();
			assertThat(niceValues()).containsOnly(0);
		}
		finally {
			priority.restore();
			done.countDown();
		}
	}

	@Test
	void withoutThePermissionToTakeItBackNothingIsLowered(@TempDir Path proc) throws IOException {
		Files.writeString(proc.resolve("status"), "Name:\tjava\nCapEff:\t0000000000000000\n");
		Files.writeString(proc.resolve("limits"), "Max nice priority         0                    0\n");
		Files.writeString(proc.resolve("stat"), "42 (java) S 1 42 42 0 -1 0 0 0 0 0 0 0 0 0 20 0 30 0 1\n");
		BootPriority priority = new BootPriority(this.os, proc);
		assertThat(priority.canRestore()).isFalse();
		assertThat(priority.lowerWhileBooting(10)).isFalse();
	}

	private static List<Integer> niceValues() throws IOException {
		try (var tasks = Files.list(Path.of("/proc/self/task"))) {
			return tasks.map((task) -> {
				try {
					String stat = Files.readString(task.resolve("stat"));
					return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
				}
				catch (IOException ex) {
					return 0;
				}
			}).distinct().toList();
		}
	}

}
