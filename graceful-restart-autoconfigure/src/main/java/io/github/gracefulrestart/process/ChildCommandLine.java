package io.github.gracefulrestart.process;

import java.util.ArrayList;
import java.util.List;

import io.github.gracefulrestart.socket.ChannelAdopter;

/**
 * The command line of the next generation: for a JVM, this JVM's own executable, options and
 * arguments, so that a jar replaced on disk and the configuration files are read anew, plus the
 * options the handoff needs, added once. Options in {@code JDK_JAVA_OPTIONS} or
 * {@code JAVA_TOOL_OPTIONS} travel in the environment instead.
 *
 * @param executable the absolute path of the program
 * @param arguments every argument after the program name
 */
public record ChildCommandLine(String executable, List<String> arguments) {

	/**
	 * Read this JVM's command line and add the JVM options that the next generation needs: access
	 * to {@code sun.nio.ch} to adopt its sockets, and on JDK 24+ native access for jnr-ffi
	 * (without it the JVM warns at every start).
	 * @return the command line
	 * @throws IllegalStateException when the platform does not report it
	 */
	public static ChildCommandLine ofCurrentProcess() {
		ProcessHandle.Info info = ProcessHandle.current().info();
		String executable = info.command()
			.orElseThrow(() -> new IllegalStateException("The platform does not report this JVM's executable"));
		String[] arguments = info.arguments()
			.orElseThrow(() -> new IllegalStateException("The platform does not report this JVM's arguments"));
		List<String> options = new ArrayList<>();
		options.add(ChannelAdopter.ADD_OPENS);
		if (Runtime.version().feature() >= 24) {
			options.add("--enable-native-access=ALL-UNNAMED");
		}
		return withJvmOptions(executable, List.of(arguments), options);
	}

	/**
	 * Return a JVM command line with each of {@code jvmOptions} that {@code arguments} lacks
	 * inserted before every other argument.
	 * @param executable the {@code java} executable
	 * @param arguments the JVM's arguments
	 * @param jvmOptions the options the next generation needs
	 * @return the command line
	 */
	static ChildCommandLine withJvmOptions(String executable, List<String> arguments, List<String> jvmOptions) {
		List<String> all = new ArrayList<>();
		for (String option : jvmOptions) {
			if (!arguments.contains(option)) {
				all.add(option);
			}
		}
		all.addAll(arguments);
		return new ChildCommandLine(executable, List.copyOf(all));
	}

	/**
	 * Return the argument vector, the program first.
	 * @return the argument vector
	 */
	public List<String> argv() {
		List<String> argv = new ArrayList<>();
		argv.add(this.executable);
		argv.addAll(this.arguments);
		return argv;
	}

}
