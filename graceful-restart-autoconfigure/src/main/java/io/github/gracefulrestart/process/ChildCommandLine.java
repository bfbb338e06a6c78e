package io.github.gracefulrestart.process;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.gracefulrestart.socket.ChannelAdopter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The command line of the next generation: for a JVM, this JVM's own executable, options
 * and arguments, so that a jar replaced on disk and the configuration files are read
 * anew, plus the options the handoff needs that this JVM lacks, added once. Options in
 * {@code JDK_JAVA_OPTIONS} or {@code JAVA_TOOL_OPTIONS} travel in the environment
 * instead.
 * <p>
 * A jar whose manifest opens {@code sun.nio.ch} and enables native access
 * ({@code Add-Opens: java.base/sun.nio.ch}, {@code Enable-Native-Access: ALL-UNNAMED})
 * needs none: every generation then runs the user's command line exactly, which a CDS
 * archive or AOT cache requires (the JVM rejects one recorded without the options a
 * generation adds).
 *
 * @param executable the absolute path of the program
 * @param arguments every argument after the program name
 */
public record ChildCommandLine(String executable, List<String> arguments) {

	private static final Log logger = LogFactory.getLog(ChildCommandLine.class);

	/** The JVM option that lets jnr-ffi call native code without a warning on JDK 24+. */
	static final String ENABLE_NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

	private static volatile boolean warnedOfClassData;

	/**
	 * Read this JVM's command line and add the JVM options that the next generation needs
	 * and this JVM was not given (by its command line or its jar's manifest): access to
	 * {@code sun.nio.ch} to adopt its sockets, and on JDK 24+ native access for jnr-ffi
	 * (without it the JVM warns at every start). The arguments come from
	 * {@code /proc/self/cmdline}, whole and byte for byte whatever their length (the
	 * JDK's {@code ProcessHandle.Info} reports none past one page); the program is
	 * {@code bin/java} of this JVM's {@code java.home}, by path, so that a JDK upgraded
	 * in place (its files replaced by rename) starts the new one.
	 * @return the command line
	 * @throws IllegalStateException when the command line cannot be read
	 */
	public static ChildCommandLine ofCurrentProcess() {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> needed = new ArrayList<>();
		if (!ChannelAdopter.canAdopt()) {
			needed.add(ChannelAdopter.ADD_OPENS);
		}
		if (Runtime.version().feature() >= 24 && !nativeAccessEnabled()) {
			needed.add(ENABLE_NATIVE_ACCESS);
		}
		ChildCommandLine line = of(Path.of("/proc/self/cmdline"), java, needed);
		if (!needed.isEmpty() && line.arguments().stream().anyMatch(ChildCommandLine::isClassDataOption)
				&& !warnedOfClassData) {
			warnedOfClassData = true;
			logger.warn("The next generation needs " + needed + ", which makes the JVM reject or partly ignore the CDS"
					+ " archive or AOT cache of your command line; add to your jar's manifest: 'Add-Opens:"
					+ " java.base/sun.nio.ch' and 'Enable-Native-Access: ALL-UNNAMED' (see docs/warm-generations.md)");
		}
		return line;
	}

	private static boolean isClassDataOption(String argument) {
		return argument.startsWith("-XX:AOTCache=") || argument.startsWith("-XX:SharedArchiveFile=");
	}

	/** Whether native access is enabled for this code (JDK 22+; always before). */
	private static boolean nativeAccessEnabled() {
		try {
			return (Boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(ChildCommandLine.class.getModule());
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return true;
		}
	}

	/**
	 * Read a JVM's command line from its {@code /proc/PID/cmdline}: see
	 * {@link #ofCurrentProcess()}.
	 * @param cmdline the file: the arguments, each ended by a NUL byte
	 * @param java the {@code java} executable of the next generation
	 * @param needed the JVM options the next generation needs, added unless already there
	 * @return the command line
	 * @throws IllegalStateException when the file cannot be read or is empty
	 */
	static ChildCommandLine of(Path cmdline, String java, List<String> needed) {
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(cmdline);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read this JVM's command line from " + cmdline + ": " + ex, ex);
		}
		// The launcher decoded its arguments with the platform's file-name encoding; so
		// do we.
		String encoding = System.getProperty("sun.jnu.encoding", "");
		Charset charset = Charset.isSupported(encoding) ? Charset.forName(encoding) : Charset.defaultCharset();
		List<String> argv = new ArrayList<>();
		int start = 0;
		for (int i = 0; i < bytes.length; i++) {
			if (bytes[i] == 0) {
				argv.add(new String(bytes, start, i - start, charset));
				start = i + 1;
			}
		}
		if (start < bytes.length) {
			argv.add(new String(bytes, start, bytes.length - start, charset));
		}
		if (argv.isEmpty()) {
			throw new IllegalStateException("This JVM's command line in " + cmdline + " is empty");
		}
		return withJvmOptions(java, argv.subList(1, argv.size()), needed);
	}

	/**
	 * Return a JVM command line with each of {@code jvmOptions} that {@code arguments}
	 * lacks inserted before every other argument.
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
