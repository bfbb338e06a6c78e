package io.github.gracefulrestart.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The CPU priority of a generation. A new generation boots beside the serving one: on few cores
 * its class loading and JIT compilation take CPU from the requests being served. It boots with a
 * higher nice value, and takes the normal one back just before it takes over, its JIT compiler
 * threads a little later; the old generation, once drained, yields to the new one while it closes.
 * <p>
 * Raising a nice value is always allowed; lowering it back takes CAP_SYS_NICE or an RLIMIT_NICE
 * that allows it (systemd's {@code LimitNICE=}, {@code docker run --ulimit nice=20:20}). Without
 * either, a generation could never get its priority back, so it boots at the normal one.
 */
public final class BootPriority {

	private static final Log logger = LogFactory.getLog(BootPriority.class);

	private static final int CAP_SYS_NICE = 23;

	private static final int LOWEST = 19;

	private static final Pattern COMPILER_THREAD = Pattern.compile("(C1|C2|JVMCI) Compiler");

	private final NativeOs os;

	private final Path proc;

	private final int normal;

	/**
	 * Create an instance for this process.
	 * @param os the native calls
	 */
	public BootPriority(NativeOs os) {
		this(os, Path.of("/proc/self"));
	}

	BootPriority(NativeOs os, Path proc) {
		this.os = os;
		this.proc = proc;
		this.normal = niceOf(proc);
	}

	/**
	 * Lower the priority of every thread of this process to {@code nice}, if it can be restored.
	 * @param nice the nice value while booting
	 * @return whether it was lowered
	 */
	public boolean lowerWhileBooting(int nice) {
		if (nice <= this.normal) {
			return false;
		}
		if (!canRestore()) {
			logger.info("A booting generation keeps the normal CPU priority: taking it back needs CAP_SYS_NICE or "
					+ "an RLIMIT_NICE of 20 (systemd LimitNICE=+0, docker --ulimit nice=20:20)");
			return false;
		}
		return setAll(Math.min(nice, LOWEST), (name) -> true) > 0;
	}

	/**
	 * Give every thread of this process the priority it started with back, but the JIT compiler
	 * threads, which keep the lower one for {@code compilersLater}. A generation that has just
	 * taken over compiles what the clients' requests run through, while it serves them and while
	 * the old generation drains: at the normal priority those compilations take the CPU from the
	 * requests, behind the lower one the requests come first and the compilations take what is
	 * left.
	 * @param compilersLater how long the compiler threads keep the lower priority; zero gives it
	 * back to every thread at once
	 */
	public void restore(Duration compilersLater) {
		if (compilersLater.isZero()) {
			setAll(this.normal, (name) -> true);
			return;
		}
		setAll(this.normal, (name) -> !isCompiler(name));
		CompletableFuture.delayedExecutor(compilersLater.toMillis(), TimeUnit.MILLISECONDS)
			.execute(() -> setAll(this.normal, BootPriority::isCompiler));
	}

	/**
	 * Whether a thread is one of HotSpot's JIT compiler threads, by its name as the kernel keeps
	 * it (at most 15 characters): {@code C1 CompilerThre}, {@code C2 CompilerThre},
	 * {@code JVMCI CompilerT}.
	 */
	static boolean isCompiler(String name) {
		return COMPILER_THREAD.matcher(name).lookingAt();
	}

	/**
	 * Lower every thread of this process to the lowest priority: a drained generation that closes.
	 */
	public void yieldToNext() {
		setAll(LOWEST, (name) -> true);
	}

	/**
	 * Whether this process may lower its threads' nice values back to the one it started with.
	 * @return whether it may
	 */
	public boolean canRestore() {
		try {
			for (String line : Files.readAllLines(this.proc.resolve("status"))) {
				if (line.startsWith("CapEff:")) {
					long effective = Long.parseUnsignedLong(line.substring(7).trim(), 16);
					if ((effective & (1L << CAP_SYS_NICE)) != 0) {
						return true;
					}
				}
			}
			for (String line : Files.readAllLines(this.proc.resolve("limits"))) {
				if (line.startsWith("Max nice priority")) {
					List<String> fields = List.of(line.substring("Max nice priority".length()).trim().split("\\s+"));
					// RLIMIT_NICE n allows nice values down to 20 - n.
					return fields.get(0).equals("unlimited") || Integer.parseInt(fields.get(0)) >= 20 - this.normal;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Cannot read this process's capabilities and limits: " + ex.getMessage());
		}
		return false;
	}

	private static String threadName(Path task) {
		try {
			return Files.readString(task.resolve("comm")).strip();
		}
		catch (IOException ex) {
			// A thread that has just ended.
			return "";
		}
	}

	/**
	 * The nice value of the process ({@code /proc/self/stat}, the 19th field, counted after the
	 * command name, which may hold spaces).
	 */
	private static int niceOf(Path proc) {
		try {
			String stat = Files.readString(proc.resolve("stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return Integer.parseInt(fields[16]);
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	private int setAll(int nice, Predicate<String> named) {
		int set = 0;
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(this.proc.resolve("task"))) {
			for (Path task : tasks) {
				if (named.test(threadName(task)) && this.os.setNice(Integer.parseInt(task.getFileName().toString()), nice)) {
					set++;
				}
			}
		}
		catch (IOException ex) {
			logger.debug("Cannot list this process's threads: " + ex.getMessage());
		}
		return set;
	}

}
