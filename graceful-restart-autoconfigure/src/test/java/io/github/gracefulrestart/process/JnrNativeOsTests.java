package io.github.gracefulrestart.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JnrNativeOs}, spawning real processes.
 */
class JnrNativeOsTests {

	private final JnrNativeOs os = JnrNativeOs.load();

	@TempDir
	Path dir;

	@Test
	void theThreadsOfAProcessAndHowLongTheyRanAndWaitedAreRead() throws Exception {
		int pid = this.os.pid();
		assertThat(this.os.threads(pid)).contains(pid).hasSizeGreaterThan(1);
		NativeOs.Scheduling before = this.os.scheduling(pid);
		// This thread runs: what the kernel counts of this process's time on a CPU grows.
		org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
			long spin = System.nanoTime() + 20_000_000;
			while (System.nanoTime() < spin) {
				Thread.onSpinWait();
			}
			return this.os.scheduling(pid).running().compareTo(before.running()) > 0;
		});
		assertThat(this.os.threads(Integer.MAX_VALUE)).isEmpty();
		assertThat(this.os.scheduling(Integer.MAX_VALUE)).isEqualTo(NativeOs.Scheduling.NONE);
	}

	@Test
	void spawnedChildHasTheHandedOverDescriptorsAndNoOther() throws Exception {
		int[] first = this.os.socketPair();
		int[] second = this.os.socketPair();
		int pid = this.os.spawn("/bin/sleep", List.of("sleep", "60"), List.of(), new int[] { second[1], first[1] });
		try {
			Map<Integer, String> fds = descriptors(pid);
			assertThat(fds.keySet()).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
			assertThat(fds.get(3)).isEqualTo(link("self", second[1]));
			assertThat(fds.get(4)).isEqualTo(link("self", first[1]));
		}
		finally {
			this.os.kill(pid, 9);
			this.os.waitFor(pid);
			closeAll(first, second);
		}
	}

	@Test
	@SuppressWarnings("restriction")
	void spawnedChildBlocksNoSignalAndIgnoresNoneThatThisProcessIgnores() throws Exception {
		// Already so when the tests run under nohup; otherwise made so here, and undone
		// after.
		boolean ignoredBefore = (mask("self", "SigIgn") & 1) == 1;
		// As under nohup: SIGHUP ignored in the parent, which exec would pass on to the
		// child.
		sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal("HUP"),
				sun.misc.SignalHandler.SIG_IGN);
		int pid = -1;
		try {
			assertThat(mask("self", "SigIgn") & 1).as("SIGHUP ignored here").isEqualTo(1);
			pid = this.os.spawn("/bin/sleep", List.of("sleep", "60"), List.of(), new int[0]);
			descriptors(pid);
			assertThat(mask(String.valueOf(pid), "SigBlk")).isZero();
			// 1 to 31; 32 and 33 are glibc's own real-time signals, which it keeps to
			// itself.
			assertThat(mask(String.valueOf(pid), "SigIgn") & 0x7fffffffL).isZero();
		}
		finally {
			if (pid > 0) {
				this.os.kill(pid, 9);
				this.os.waitFor(pid);
			}
			if (!ignoredBefore) {
				// The JVM never re-registers a signal that is ignored (its nohup rule):
				// clear the ignore through libc first, then give the JVM its own handler
				// back.
				jnr.ffi.LibraryLoader.create(LibcSignal.class).load("c").signal(1, 0);
				sun.misc.Signal.handle(new sun.misc.Signal("HUP"), previous);
			}
		}
		assertThat(mask("self", "SigIgn") & 1).as("SIGHUP handled here as before").isEqualTo(ignoredBefore ? 1 : 0);
	}

	/** {@code signal(2)}, to set {@code SIG_DFL} (0). */
	public interface LibcSignal {

		long signal(int signal, long handler);

	}

	private static long mask(String process, String name) throws IOException {
		return Files.readAllLines(Path.of("/proc/" + process + "/status"))
			.stream()
			.filter((line) -> line.startsWith(name + ":"))
			.map((line) -> Long.parseUnsignedLong(line.substring(name.length() + 1).trim(), 16))
			.findFirst()
			.orElseThrow();
	}

	private static Map<Integer, String> descriptors(int pid) throws IOException {
		// The child has exec'd sleep once its descriptors read as sleep's, not the JVM's.
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(10))
			.until(() -> Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).toString().endsWith("sleep"));
		try (var list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
			return list.collect(Collectors.toMap((fd) -> Integer.parseInt(fd.getFileName().toString()),
					(fd) -> link(String.valueOf(pid), Integer.parseInt(fd.getFileName().toString()))));
		}
	}

	private static String link(String process, int fd) {
		try {
			return Files.readSymbolicLink(Path.of("/proc/" + process + "/fd/" + fd)).toString();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void waitForReportsExitCodesAndSignals() {
		int exits = this.os.spawn("/bin/sh", List.of("sh", "-c", "exit 7"), List.of(), new int[0]);
		assertThat(this.os.waitFor(exits)).isEqualTo(new ExitStatus(7, 0));
		int sleeps = this.os.spawn("/bin/sleep", List.of("sleep", "60"), List.of(), new int[0]);
		assertThat(this.os.kill(sleeps, 9)).isTrue();
		ExitStatus killed = this.os.waitFor(sleeps);
		assertThat(killed).isEqualTo(new ExitStatus(-1, 9));
		assertThat(killed).hasToString("killed by signal 9");
	}

	@Test
	void spawnOfAMissingProgramSaysSo() {
		org.assertj.core.api.Assertions.assertThatIllegalStateException()
			.isThrownBy(() -> this.os.spawn("/nonexistent/java", List.of("java"), List.of(), new int[0]))
			.withMessageContaining("/nonexistent/java")
			.withMessageContaining("No such file");
	}

	@Test
	void unsetenvRemovesAVariableFromWhatSubprocessesInherit() throws IOException, InterruptedException {
		String name = "GRACEFUL_RESTART_TEST_" + ProcessHandle.current().pid();
		jnr.posix.POSIXFactory.getNativePOSIX().setenv(name, "inherited", 1);
		assertThat(runEnv()).contains(name + "=inherited");
		this.os.unsetenv(name);
		assertThat(runEnv()).doesNotContain(name);
	}

	private static String runEnv() throws IOException, InterruptedException {
		// Without environment() the JDK passes the native environment on, as the app's
		// own subprocesses usually are started.
		Process env = new ProcessBuilder("env").start();
		String output = new String(env.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		env.waitFor();
		return output;
	}

	private void closeAll(int[]... pairs) {
		for (int[] pair : pairs) {
			this.os.close(pair[0]);
			this.os.close(pair[1]);
		}
	}

}
