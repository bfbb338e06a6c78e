package io.github.gracefulrestart.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link BootPriority}, on this test JVM's real threads (lowered, then
 * restored).
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
			priority.restore(Duration.ZERO);
			assertThat(niceValues()).containsOnly(0);
		}
		finally {
			priority.restore(Duration.ZERO);
			done.countDown();
		}
	}

	@Test
	void theStepsGoToTheNormalValueThenAboveAsFarAsAllowed() {
		assertThat(BootPriority.steps(10, 0, -20)).containsExactly(0, -5, -10);
		assertThat(BootPriority.steps(19, 5, -20)).containsExactly(5, 0, -5);
		assertThat(BootPriority.steps(10, 0, -7)).as("RLIMIT_NICE 27").containsExactly(0, -5);
		assertThat(BootPriority.steps(10, 0, 0)).as("RLIMIT_NICE 20").containsExactly(0);
		assertThat(BootPriority.steps(10, -15, -20)).containsExactly(-15, -20);
		assertThat(BootPriority.steps(0, 0, -20)).isEmpty();
		assertThat(BootPriority.steps(10, 0, 20)).as("not allowed to take it back").isEmpty();
	}

	@Test
	void theJitCompilerThreadsTakeThePriorityBackLater() throws Exception {
		BootPriority priority = new BootPriority(this.os);
		assumeThat(priority.canRestore()).as("CAP_SYS_NICE or RLIMIT_NICE (root)").isTrue();
		try {
			assertThat(priority.lowerWhileBooting(10)).isTrue();
			priority.restore(Duration.ofSeconds(2));
			List<Map.Entry<String, Integer>> threads = niceByThread();
			assertThat(threads).as("this JVM's compiler threads")
				.anyMatch((thread) -> thread.getKey().startsWith("C2 "));
			assertThat(threads).allSatisfy((thread) -> assertThat(thread.getValue()).as(thread.getKey())
				.isEqualTo(BootPriority.isCompiler(thread.getKey()) ? 10 : 0));
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(niceByThread())
					.allSatisfy((thread) -> assertThat(thread.getValue()).as(thread.getKey()).isZero()));
		}
		finally {
			priority.restore(Duration.ZERO);
		}
	}

	@Test
	void theNextProcessStartsLoweredFromItsFirstInstructionAndNoThreadHereChanges() throws Exception {
		BootPriority priority = new BootPriority(this.os);
		assumeThat(priority.canRestore()).as("CAP_SYS_NICE or RLIMIT_NICE (root)").isTrue();
		ChildCommandLine command = priority.startingLowered(new ChildCommandLine("/bin/sleep", List.of("60")), 10)
			.orElseThrow();
		assertThat(command.argv()).containsExactly("/usr/bin/nice", "-n", "10", "/bin/sleep", "60");
		int pid = this.os.spawn(command.executable(), command.argv(), List.of(), new int[0]);
		try {
			Path process = Path.of("/proc", String.valueOf(pid));
			// nice(1) sets the value, then executes the command in the same process.
			await().atMost(Duration.ofSeconds(30))
				.until(() -> Files.readString(process.resolve("cmdline")).startsWith("/bin/sleep"));
			assertThat(niceOf(process)).as("the started process").isEqualTo(10);
			assertThat(niceValues()).as("this JVM's threads").containsOnly(0);
		}
		finally {
			this.os.kill(pid, 9);
			this.os.waitFor(pid);
		}
	}

	@Test
	void aProcessAlreadyAtTheBootPriorityIsNotWrapped() {
		BootPriority priority = new BootPriority(this.os);
		assertThat(priority.startingLowered(new ChildCommandLine("/bin/sleep", List.of("60")), priority.normal()))
			.isEmpty();
	}

	@Test
	void compilerThreadsAreKnownByTheNameTheKernelKeeps() {
		assertThat(List.of("C1 CompilerThre", "C2 CompilerThre", "JVMCI CompilerT")).allMatch(BootPriority::isCompiler);
		assertThat(List.of("main", "http-nio-8080-e", "G1 Conc#0", "my C2 Compiler"))
			.noneMatch(BootPriority::isCompiler);
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

	/** Each of this JVM's threads: its name (as the kernel keeps it) and nice value. */
	private static List<Map.Entry<String, Integer>> niceByThread() throws IOException {
		List<Map.Entry<String, Integer>> threads = new ArrayList<>();
		try (var tasks = Files.list(Path.of("/proc/self/task"))) {
			tasks.forEach((task) -> {
				try {
					threads.add(Map.entry(Files.readString(task.resolve("comm")).strip(), niceOf(task)));
				}
				catch (IOException ex) {
					// a thread that ended meanwhile
				}
			});
		}
		return threads;
	}

	/**
	 * The nice value of a thread or process ({@code stat}, the 19th field, counted after
	 * the name).
	 */
	private static int niceOf(Path task) throws IOException {
		String stat = Files.readString(task.resolve("stat"));
		return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
	}

	private static List<Integer> niceValues() throws IOException {
		try (var tasks = Files.list(Path.of("/proc/self/task"))) {
			return tasks.map((task) -> {
				try {
					return niceOf(task);
				}
				catch (IOException ex) {
					return 0;
				}
			}).distinct().toList();
		}
	}

}
