package io.github.gracefulrestart.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The CPU priority of a generation. A new generation boots beside the serving one: on few
 * cores its class loading and JIT compilation take CPU from the requests being served. It
 * boots with a higher nice value, and takes the normal one back just before it takes
 * over, its JIT compiler threads a little later; the old generation, once drained, yields
 * to the new one while it closes.
 * <p>
 * The serving generation starts the next one through {@code nice(1)}
 * ({@link #startingLowered}): a JVM's threads inherit the nice value of the thread that
 * makes them, so the whole new JVM boots lowered from its first instruction, and is told
 * its normal value to take back. A generation that was not started that way (a
 * supervisor's, or where there is no {@code nice}) lowers its threads itself once it has
 * read its configuration ({@link #lowerWhileBooting}).
 * <p>
 * Raising a nice value is always allowed; lowering it back takes CAP_SYS_NICE or an
 * RLIMIT_NICE that allows it (systemd's {@code LimitNICE=},
 * {@code docker run --ulimit nice=20:20}). Without either, a generation could never get
 * its priority back, so it boots at the normal one.
 */
public final class BootPriority {

	/**
	 * The {@code nice(1)} program, which sets a nice value and executes a command in its
	 * place.
	 */
	private static final Path NICE = Path.of("/usr/bin/nice");

	private static final Log logger = LogFactory.getLog(BootPriority.class);

	private static final int CAP_SYS_NICE = 23;

	private static final int LOWEST = 19;

	private static final int HIGHEST = -20;

	/** How far above its normal priority a starving generation may step, at most. */
	private static final int MOST_ABOVE_NORMAL = 10;

	private static final Pattern COMPILER_THREAD = Pattern.compile("(C1|C2|JVMCI) Compiler");

	private final Supplier<NativeOs> os;

	private final Path proc;

	private final int normal;

	/**
	 * Create an instance for this process, whose priority now is its normal one.
	 * @param os the native calls
	 */
	public BootPriority(NativeOs os) {
		this(os, Path.of("/proc/self"));
	}

	/**
	 * Create an instance for this process, started below its normal priority by the
	 * generation before it; the native calls are loaded when first needed (taking the
	 * priority back).
	 * @param os the native calls
	 * @param normal the nice value to take back
	 */
	public BootPriority(Supplier<NativeOs> os, int normal) {
		this(os, Path.of("/proc/self"), normal);
	}

	BootPriority(NativeOs os, Path proc) {
		this(() -> os, proc, niceOf(proc));
	}

	private BootPriority(Supplier<NativeOs> os, Path proc, int normal) {
		this.os = os;
		this.proc = proc;
		this.normal = normal;
	}

	/**
	 * Return the nice value this process takes back, its normal one.
	 * @return the nice value
	 */
	public int normal() {
		return this.normal;
	}

	/**
	 * Return {@code command} started at nice {@code nice} from its first instruction, if
	 * its normal value can be restored: through {@code nice(1)}, which sets the value and
	 * executes the command in the same process, so that the JVM and every thread it makes
	 * inherit it before any of their code runs. Nothing of this process changes.
	 * @param command the next generation's command line
	 * @param nice the nice value it boots at
	 * @return the command line, empty when the next generation is not to boot lowered or
	 * this machine has no {@code /usr/bin/nice}
	 */
	public Optional<ChildCommandLine> startingLowered(ChildCommandLine command, int nice) {
		if (nice <= this.normal || !Files.isExecutable(NICE) || !canRestore()) {
			return Optional.empty();
		}
		// nice(1) adds to the value of the thread that starts it.
		int increment = Math.min(nice, LOWEST) - niceOf(this.proc.resolveSibling("thread-self"));
		if (increment <= 0) {
			return Optional.empty();
		}
		List<String> arguments = new ArrayList<>(List.of("-n", String.valueOf(increment)));
		arguments.addAll(command.argv());
		return Optional.of(new ChildCommandLine(NICE.toString(), arguments));
	}

	/**
	 * Lower the priority of every thread of this process to {@code nice}, if it can be
	 * restored.
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
	 * Give every thread of this process the priority it started with back, but the JIT
	 * compiler threads, which keep the lower one for {@code compilersLater}. A generation
	 * that has just taken over compiles what the clients' requests run through, while it
	 * serves them and while the old generation drains: at the normal priority those
	 * compilations take the CPU from the requests, behind the lower one the requests come
	 * first and the compilations take what is left.
	 * @param compilersLater how long the compiler threads keep the lower priority; zero
	 * gives it back to every thread at once
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
	 * Return the nice values a generation that boots at {@code booting} and is not ready
	 * when it should be steps up through ({@link #steps}), as far as this process (whose
	 * capabilities and limits the generations it starts inherit) may go.
	 * @param booting the nice value it boots at
	 * @return the steps, empty when it does not boot lowered
	 */
	public List<Integer> stepsUpFrom(int booting) {
		return steps(booting, this.normal, lowestAllowed());
	}

	/**
	 * The nice values a booting generation steps up through: its normal one, then 5 and
	 * 10 above it, as far as it is allowed. A lowered generation yields to the serving
	 * one, but beside one that saturates the cores it gets a tenth of a core, and at the
	 * same priority a share by its few threads against the serving one's many: it would
	 * boot many times slower than alone, up to its start-up timeout. It yields for a
	 * while, then takes what it needs.
	 */
	static List<Integer> steps(int booting, int normal, int lowestAllowed) {
		List<Integer> steps = new ArrayList<>();
		if (booting > normal && lowestAllowed <= normal) {
			steps.add(normal);
			for (int above = 5; above <= MOST_ABOVE_NORMAL; above += 5) {
				if (normal - above >= Math.max(lowestAllowed, HIGHEST)) {
					steps.add(normal - above);
				}
			}
		}
		return steps;
	}

	/**
	 * Whether a thread is one of HotSpot's JIT compiler threads, by its name as the
	 * kernel keeps it (at most 15 characters): {@code C1 CompilerThre},
	 * {@code C2 CompilerThre}, {@code JVMCI CompilerT}.
	 */
	static boolean isCompiler(String name) {
		return COMPILER_THREAD.matcher(name).lookingAt();
	}

	/**
	 * Lower every thread of this process to the lowest priority: a drained generation
	 * that closes.
	 */
	public void yieldToNext() {
		setAll(LOWEST, (name) -> true);
	}

	/**
	 * Whether this process may lower its threads' nice values back to the one it started
	 * with.
	 * @return whether it may
	 */
	public boolean canRestore() {
		return lowestAllowed() <= this.normal;
	}

	/**
	 * The lowest nice value this process may give its threads: any with CAP_SYS_NICE,
	 * else {@code 20 - RLIMIT_NICE}.
	 */
	private int lowestAllowed() {
		try {
			for (String line : Files.readAllLines(this.proc.resolve("status"))) {
				if (line.startsWith("CapEff:")) {
					long effective = Long.parseUnsignedLong(line.substring(7).trim(), 16);
					if ((effective & (1L << CAP_SYS_NICE)) != 0) {
						return HIGHEST;
					}
				}
			}
			for (String line : Files.readAllLines(this.proc.resolve("limits"))) {
				if (line.startsWith("Max nice priority")) {
					List<String> fields = List.of(line.substring("Max nice priority".length()).trim().split("\\s+"));
					// RLIMIT_NICE n allows nice values down to 20 - n.
					return fields.get(0).equals("unlimited") ? HIGHEST : 20 - Integer.parseInt(fields.get(0));
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Cannot read this process's capabilities and limits: " + ex.getMessage());
		}
		return LOWEST + 1;
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
	 * The nice value of the process ({@code /proc/self/stat}, the 19th field, counted
	 * after the command name, which may hold spaces).
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
				if (named.test(threadName(task))
						&& this.os.get().setNice(Integer.parseInt(task.getFileName().toString()), nice)) {
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
