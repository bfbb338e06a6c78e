package io.github.gracefulrestart.supervisor;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.github.gracefulrestart.process.JmxRemote;
import io.github.gracefulrestart.process.NativeOs;
import io.github.gracefulrestart.systemd.SocketActivation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The small JVM a supervisor runs in. The process the user started has loaded Spring and
 * the application's classes by the time it knows it is to supervise (about 180 MB of
 * resident memory, 90 MB even after a GC and a native heap trim); replacing itself with a
 * fresh JVM that loads only the supervisor, with a serial collector and a small heap,
 * keeps the pid and needs a fraction of that.
 */
public final class SupervisorJvm {

	private static final Log logger = LogFactory.getLog(SupervisorJvm.class);

	/** The prefix of the option variables kept aside for the generations. */
	static final String KEPT_FOR_GENERATIONS = "GRACEFUL_RESTART_GENERATIONS_";

	private static final String PROPERTIES_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

	private SupervisorJvm() {
	}

	/**
	 * Return the command line of the supervisor's JVM: this JVM's executable and class
	 * path, with {@link SupervisorMain} as the main class (through Spring Boot's
	 * {@code PropertiesLauncher} when this is an executable jar).
	 * @return the command line, empty when the system class loader cannot reach the
	 * supervisor
	 */
	public static Optional<List<String>> command() {
		String classPath = System.getProperty("java.class.path", "");
		if (classPath.isEmpty()) {
			return Optional.empty();
		}
		List<String> command = new ArrayList<>();
		// By path, as the generations are started: a JDK upgraded in place starts anew.
		command.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-XX:+IgnoreUnrecognizedVMOptions");
		// Its environment has no option variable of the application's (see
		// forSupervisor): its collector is its own.
		command.add("-XX:+UseSerialGC");
		// A small heap, C1 only, no perf-data sampling (the JVM's one periodic wake-up
		// when idle), and malloc's free memory handed back once a minute.
		// (TrimNativeHeapInterval is experimental on some JDK 17 and 21 updates.)
		command.addAll(List.of("-Xms8m", "-Xmx64m", "-Xss512k", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
				"-XX:ReservedCodeCacheSize=16m", "-XX:-UsePerfData", "-XX:+UnlockExperimentalVMOptions",
				"-XX:TrimNativeHeapInterval=60000", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
		if (Runtime.version().feature() >= 24) {
			command.add("--enable-native-access=ALL-UNNAMED");
		}
		command.add("-cp");
		command.add(classPath);
		ClassLoader system = ClassLoader.getSystemClassLoader();
		if (loadable(system, SupervisorMain.class.getName())) {
			command.add(SupervisorMain.class.getName());
		}
		else if (loadable(system, PROPERTIES_LAUNCHER) && !classPath.contains(File.pathSeparator)) {
			command.add("-Dloader.main=" + SupervisorMain.class.getName());
			command.add(PROPERTIES_LAUNCHER);
		}
		else {
			return Optional.empty();
		}
		return Optional.of(List.copyOf(command));
	}

	/**
	 * Replace this process with the supervisor's JVM. Returns only when that failed
	 * (logged).
	 * @param os the native calls
	 * @param command the command line, from {@link #command()}
	 * @param configuration what the supervisor is to do
	 */
	public static void exec(NativeOs os, List<String> command, SupervisorConfiguration configuration) {
		Map<String, String> environment = forSupervisor(System.getenv());
		environment.put(SupervisorConfiguration.VARIABLE, configuration.encode());
		List<String> entries = new ArrayList<>();
		environment.forEach((name, value) -> entries.add(name + "=" + value));
		System.out.flush();
		System.err.flush();
		try {
			os.exec(command.get(0), command, entries, activatedDescriptors(os));
		}
		catch (IllegalStateException ex) {
			logger.warn("Cannot start the supervisor's own JVM (" + ex.getMessage() + "); supervising from this one");
		}
	}

	/**
	 * The environment of the supervisor's JVM: the application's, but for the variables
	 * whose JVM options every JVM started with them takes (an agent, a JMX or debug port
	 * it would open, a collector, {@code _JAVA_OPTIONS} over the command line), which the
	 * supervisor's JVM, started by an exec nothing can undo, must not take. They are kept
	 * aside under other names, for the generations ({@link #forGenerations}).
	 * @param environment the application's environment
	 * @return the supervisor's
	 */
	static Map<String, String> forSupervisor(Map<String, String> environment) {
		Map<String, String> supervisor = new TreeMap<>(environment);
		for (String name : JmxRemote.OPTION_VARIABLES) {
			String value = supervisor.remove(name);
			if (value != null) {
				supervisor.put(KEPT_FOR_GENERATIONS + name, value);
			}
		}
		return supervisor;
	}

	/**
	 * The environment the generations start from: the supervisor's, with the option
	 * variables {@link #forSupervisor} kept aside back under their names.
	 * @param environment the supervisor's environment
	 * @return the generations'
	 */
	static Map<String, String> forGenerations(Map<String, String> environment) {
		Map<String, String> generations = new TreeMap<>(environment);
		for (String name : JmxRemote.OPTION_VARIABLES) {
			String value = generations.remove(KEPT_FOR_GENERATIONS + name);
			if (value != null) {
				generations.put(name, value);
			}
		}
		return generations;
	}

	/**
	 * The sockets systemd passed stay open across the exec; LISTEN_PID still names this
	 * process.
	 */
	private static int[] activatedDescriptors(NativeOs os) {
		Map<String, String> environment = System.getenv();
		if (!String.valueOf(os.pid()).equals(environment.get(SocketActivation.LISTEN_PID))) {
			return new int[0];
		}
		int count = Integer.parseInt(environment.getOrDefault(SocketActivation.LISTEN_FDS, "0"));
		int[] fds = new int[count];
		for (int i = 0; i < count; i++) {
			fds[i] = 3 + i;
		}
		return fds;
	}

	private static boolean loadable(ClassLoader classLoader, String name) {
		try {
			Class.forName(name, false, classLoader);
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

}
