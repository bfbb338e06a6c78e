package io.github.gracefulrestart.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The JVM options that open a port of their own, which a second JVM with the same options
 * could not bind while the first holds it, so that every restart would fail before
 * {@code main}: a JMX remote port ({@code -Dcom.sun.management.jmxremote.port=}), carried
 * to the next generation without its port options and started there once its predecessor
 * is gone, through the JDK's own {@code ManagementAgent.start} diagnostic command
 * ({@code jcmd}); and a JDWP debug listener on a fixed address, which cannot be carried
 * and is named instead.
 */
public final class JmxRemote {

	private static final String PREFIX = "-Dcom.sun.management.jmxremote.";

	/**
	 * The environment variables whose Java options every JVM of the process tree reads.
	 */
	public static final List<String> OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
			"_JAVA_OPTIONS");

	private static final Pattern JDWP = Pattern.compile("(?:-agentlib:jdwp=|-Xrunjdwp:)(\\S*)");

	private JmxRemote() {
	}

	/**
	 * Return the arguments of {@code ManagementAgent.start} for the JMX remote options
	 * among {@code options}
	 * ({@code jmxremote.port=9010 jmxremote.authenticate=false ...}), when one of them
	 * opens a port.
	 * @param options JVM options, from the command line and the option variables
	 * @return the arguments, separated by spaces, or empty when no option opens a port
	 */
	public static Optional<String> agentArguments(List<String> options) {
		Map<String, String> settings = new LinkedHashMap<>();
		for (String option : options) {
			if (option.startsWith(PREFIX) && option.contains("=")) {
				String setting = option.substring("-Dcom.sun.management.".length());
				settings.put(setting.substring(0, setting.indexOf('=')), setting);
			}
		}
		if (!settings.containsKey("jmxremote.port")) {
			return Optional.empty();
		}
		return Optional.of(String.join(" ", settings.values()));
	}

	/**
	 * Whether an option opens the JMX remote port (or its RMI port): the next generation
	 * starts without it.
	 * @param option a JVM option
	 * @return whether it opens a port
	 */
	public static boolean opensPort(String option) {
		return option.startsWith(PREFIX + "port=") || option.startsWith(PREFIX + "rmi.port=");
	}

	/**
	 * Return the options of an option variable without those that open the JMX remote
	 * port.
	 * @param value the variable's value
	 * @return the value without them
	 */
	public static String withoutPorts(String value) {
		List<String> kept = new ArrayList<>();
		for (String option : value.trim().split("\\s+")) {
			if (!option.isEmpty() && !opensPort(option)) {
				kept.add(option);
			}
		}
		return String.join(" ", kept);
	}

	/**
	 * Return the options of an option variable, one by one.
	 * @param value the value, or null
	 * @return the options
	 */
	public static List<String> options(String value) {
		return (value == null || value.isBlank()) ? List.of() : List.of(value.trim().split("\\s+"));
	}

	/**
	 * Describe a JDWP debug listener on a fixed address among {@code options}, which the
	 * next generation could not open while this one holds it.
	 * @param options JVM options
	 * @return the option, or empty when there is none (or it listens on a port the kernel
	 * picks)
	 */
	public static Optional<String> fixedDebugListener(List<String> options) {
		for (String option : options) {
			Matcher matcher = JDWP.matcher(option);
			if (matcher.lookingAt()) {
				String settings = "," + matcher.group(1) + ",";
				Matcher address = Pattern.compile(",address=([^,]*),").matcher(settings);
				boolean server = settings.contains(",server=y,");
				String port = address.find() ? address.group(1).replaceFirst(".*:", "") : "";
				if (server && !port.isEmpty() && !port.equals("0")) {
					return Optional.of(option);
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * Start this JVM's JMX remote agent with {@code jcmd <pid> ManagementAgent.start}:
	 * the JDK offers that diagnostic command to tools only (its {@code DiagnosticCommand}
	 * MBean does not export it, and the agent's own classes are not exported to
	 * applications).
	 * @param arguments the arguments, from {@link #agentArguments}
	 * @throws IllegalStateException when the agent could not start (its port is still
	 * held, say), with what {@code jcmd} said
	 */
	public static void start(String arguments) {
		Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
		if (!Files.isExecutable(jcmd)) {
			throw new IllegalStateException("this JDK has no " + jcmd);
		}
		List<String> command = new ArrayList<>(
				List.of(jcmd.toString(), String.valueOf(ProcessHandle.current().pid()), "ManagementAgent.start"));
		command.addAll(List.of(arguments.split(" ")));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			process.getOutputStream().close();
			String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("jcmd did not end within 30 s");
			}
			if (process.exitValue() != 0 || !said.contains("Command executed successfully")) {
				throw new IllegalStateException("jcmd said: " + said.replaceAll("\\s+", " "));
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot run " + jcmd + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while starting the JMX remote agent", ex);
		}
	}

}
