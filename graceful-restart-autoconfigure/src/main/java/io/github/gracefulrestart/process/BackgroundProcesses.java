package io.github.gracefulrestart.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The child processes a generation runs in the background ahead of the next restart (the jar's
 * extraction, a training run): each at the lowest CPU priority, in a directory of its own that
 * holds its output and serves as its {@code java.io.tmpdir}, deleted once it ended, so that a run
 * killed before it could clean up (a web server's temporary directories, a native library
 * unpacked) leaves nothing behind. None starts once they are {@link #close closed}, and closing
 * kills those under way, with what they started, and waits until they have ended: none outlives
 * its generation. Under systemd one that did would be found in the service's control group after
 * the main process ended, and SIGKILLed there.
 */
final class BackgroundProcesses {

	private static final Log logger = LogFactory.getLog(BackgroundProcesses.class);

	/**
	 * Raises a run's nice value: a child process, unlike a thread of this JVM, takes nothing else
	 * with it (a thread's nice value would pass to the threads it creates, such as the JDK's
	 * process reaper).
	 */
	static final Path NICE = Path.of("/usr/bin/nice");

	/** The directory, beside the archives, under which each run gets a directory of its own. */
	static final String RUNS = "runs";

	private static final String OUTPUT = "output.log";

	/** A SIGKILLed process ends at once; this only bounds a shutdown against the unforeseen. */
	private static final Duration END_WAIT = Duration.ofSeconds(10);

	/**
	 * Exit statuses of SIGHUP, SIGINT, SIGKILL and SIGTERM: a run stopped with the rest of the
	 * service (systemd's KillMode=control-group, Ctrl-C on a terminal), not failed.
	 */
	private static final Set<Integer> STOPPED_FROM_OUTSIDE = Set.of(129, 130, 137, 143);

	/** What a generation killed in the middle of a run left is deleted once this old. */
	private static final Duration STALE = Duration.ofHours(1);

	private final Path runs;

	private final Map<Process, Path> running = new HashMap<>();

	private boolean closed;

	/**
	 * Create an instance.
	 * @param runs the directory under which each run gets a directory of its own
	 */
	BackgroundProcesses(Path runs) {
		this.runs = runs;
	}

	/**
	 * Run a JVM in the background to its end: at the lowest CPU priority ({@code nice 19} where
	 * the machine has {@code /usr/bin/nice}), with a {@code java.io.tmpdir} of its own, and
	 * without what would make it a generation (inherited sockets, systemd's variables).
	 * @param argv the JVM's argument vector, the {@code java} executable first
	 * @param timeout how long it may take before it is killed
	 * @param started given the process once it runs, or null
	 * @return how it ended
	 * @throws IOException if it cannot be started
	 */
	Outcome run(List<String> argv, Duration timeout, Consumer<Process> started) throws IOException {
		Started run = start(argv);
		if (run == null) {
			return Outcome.STOPPED;
		}
		Process process = run.process();
		try {
			Path output = run.directory().resolve(OUTPUT);
			if (started != null) {
				started.accept(process);
			}
			try {
				if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					kill(process);
					process.waitFor();
					return Outcome.failed("took more than " + timeout + " and was stopped", output);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				kill(process);
				return Outcome.STOPPED;
			}
			finally {
				ended(process);
			}
			int exit = process.exitValue();
			if (STOPPED_FROM_OUTSIDE.contains(exit)) {
				if (!isClosed()) {
					logger.info("A background run (pid " + process.pid() + ") was stopped from outside (exit code "
							+ exit + "); the next generation tries again");
				}
				return Outcome.STOPPED;
			}
			if (exit != 0) {
				return isClosed() ? Outcome.STOPPED : Outcome.failed("failed (exit code " + exit + ")", output);
			}
			return Outcome.SUCCEEDED;
		}
		finally {
			deleteQuietly(run.directory());
		}
	}

	private static ProcessBuilder builder(List<String> argv, Path output, Path tmp) {
		List<String> command = new ArrayList<>();
		if (Files.isExecutable(NICE)) {
			command.addAll(List.of(NICE.toString(), "-n", "19"));
		}
		// After the user's own options, so that it is the one that counts.
		List<String> jvm = new ArrayList<>(argv);
		int jar = jvm.indexOf("-jar");
		jvm.add((jar > 0) ? jar : 1, "-Djava.io.tmpdir=" + tmp);
		command.addAll(jvm);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
		builder.environment().keySet().removeIf((name) -> name.startsWith("GRACEFUL_RESTART_")
				|| name.startsWith("LISTEN_") || name.equals("NOTIFY_SOCKET") || name.equals("WATCHDOG_USEC")
				|| name.equals("WATCHDOG_PID"));
		return builder;
	}

	/**
	 * Start a run in a directory of its own, both under the lock {@link #close()} takes: once
	 * closed, no run starts and no directory is made that {@code close} would not see.
	 */
	private synchronized Started start(List<String> argv) throws IOException {
		if (this.closed) {
			return null;
		}
		Files.createDirectories(this.runs);
		Path directory = Files.createTempDirectory(this.runs, "run");
		try {
			Path tmp = Files.createDirectory(directory.resolve("tmp"));
			Process process = builder(argv, directory.resolve(OUTPUT), tmp).start();
			this.running.put(process, directory);
			return new Started(process, directory);
		}
		catch (IOException | RuntimeException ex) {
			deleteQuietly(directory);
			throw ex;
		}
	}

	private record Started(Process process, Path directory) {
	}

	private synchronized void ended(Process process) {
		this.running.remove(process);
	}

	private synchronized boolean isClosed() {
		return this.closed;
	}

	/**
	 * Start none from now on, and kill those under way and wait (a bounded time) until they have
	 * ended, then delete their directories (the threads that wait for them may not get to it
	 * before this JVM exits).
	 */
	void close() {
		List<ProcessHandle> killed = new ArrayList<>();
		List<Path> directories;
		synchronized (this) {
			this.closed = true;
			this.running.keySet().forEach((process) -> killed.addAll(kill(process)));
			directories = List.copyOf(this.running.values());
		}
		long deadline = System.nanoTime() + END_WAIT.toNanos();
		for (ProcessHandle process : killed) {
			try {
				process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException | ExecutionException ex) {
				logger.warn("Background process " + process.pid() + " did not end within " + END_WAIT
						+ " of SIGKILL");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		directories.forEach(BackgroundProcesses::deleteQuietly);
	}

	/**
	 * Delete the directories of runs that a generation killed in the middle of one left (an hour
	 * old, surely no run's any more).
	 */
	void deleteStale() {
		long before = System.currentTimeMillis() - STALE.toMillis();
		try (DirectoryStream<Path> directories = Files.newDirectoryStream(this.runs)) {
			for (Path directory : directories) {
				if (Files.getLastModifiedTime(directory).toMillis() < before) {
					deleteQuietly(directory);
				}
			}
		}
		catch (IOException ex) {
			// None yet, or not readable: nothing to sweep.
		}
	}

	/**
	 * SIGKILL a process and what it started (JDK 25 assembles the AOT cache in a child JVM), so
	 * that nothing goes on writing a file whose writer has ended.
	 * @param process the process
	 * @return the processes killed, the process last
	 */
	static List<ProcessHandle> kill(Process process) {
		List<ProcessHandle> killed = new ArrayList<>(process.descendants().toList());
		killed.add(process.toHandle());
		killed.forEach(ProcessHandle::destroyForcibly);
		return killed;
	}

	/**
	 * Delete a tree. A run's own thread and {@link #close()} may delete the same one at the same
	 * time: what the other has deleted already counts as deleted, not as a failure that would
	 * leave the rest behind.
	 * @param path the tree, which may not exist
	 * @throws IOException if a part of it cannot be deleted
	 */
	static void deleteRecursively(Path path) throws IOException {
		Files.walkFileTree(path, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
				Files.deleteIfExists(file);
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
				if (ex instanceof NoSuchFileException) {
					return FileVisitResult.CONTINUE;
				}
				throw ex;
			}

			@Override
			public FileVisitResult postVisitDirectory(Path directory, IOException ex) throws IOException {
				if (ex != null && !(ex instanceof NoSuchFileException)) {
					throw ex;
				}
				Files.deleteIfExists(directory);
				return FileVisitResult.CONTINUE;
			}

		});
	}

	private static void deleteQuietly(Path directory) {
		try {
			deleteRecursively(directory);
		}
		catch (IOException ex) {
			logger.debug("Cannot delete " + directory + ": " + ex.getMessage());
		}
	}

	/**
	 * How a background run ended.
	 *
	 * @param ending succeeded, stopped (from outside, or because this generation closes: not a
	 * failure, the next generation tries again) or failed
	 * @param failure what went wrong, or null
	 * @param output the end of what a failed run wrote, or null
	 */
	record Outcome(Ending ending, String failure, String output) {

		static final Outcome SUCCEEDED = new Outcome(Ending.SUCCEEDED, null, null);

		static final Outcome STOPPED = new Outcome(Ending.STOPPED, null, null);

		static Outcome failed(String failure, Path output) {
			return new Outcome(Ending.FAILED, failure, tail(output));
		}

		/** Its last 20 lines. */
		private static String tail(Path output) {
			try {
				List<String> lines = Files.readAllLines(output);
				return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())).trim();
			}
			catch (IOException | RuntimeException ex) {
				return "(no output: " + ex.getMessage() + ")";
			}
		}

		boolean succeeded() {
			return this.ending == Ending.SUCCEEDED;
		}

		boolean failed() {
			return this.ending == Ending.FAILED;
		}

	}

	enum Ending {

		SUCCEEDED, STOPPED, FAILED

	}

}
