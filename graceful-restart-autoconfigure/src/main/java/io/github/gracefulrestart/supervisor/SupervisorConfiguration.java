package io.github.gracefulrestart.supervisor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.gracefulrestart.RestartSettings;
import io.github.gracefulrestart.process.ChildCommandLine;
import io.github.gracefulrestart.process.NativeOs;
import io.github.gracefulrestart.process.PidFile;
import io.github.gracefulrestart.process.SignalTrigger;
import io.github.gracefulrestart.systemd.SdNotify;
import io.github.gracefulrestart.systemd.SystemdNotifier;

/**
 * Everything a supervisor needs, read from the application's configuration by the process
 * the user started, and carried in one environment variable ({@value #VARIABLE}) into the
 * small JVM that becomes the supervisor.
 *
 * @param commandLine the command line of every generation
 * @param listeners the listeners to bind, by name; a wildcard address for every interface
 * @param settings the timing
 * @param signal the restart signal's name ({@code HUP}, {@code USR1})
 * @param pidFile where to write the supervisor's pid, or null
 * @param giveUpAfter the failed replacements in a row after which the supervisor exits
 */
public record SupervisorConfiguration(ChildCommandLine commandLine, Map<String, InetSocketAddress> listeners,
		RestartSettings settings, String signal, Path pidFile, int giveUpAfter) {

	/**
	 * The environment variable that carries the configuration into the supervisor's JVM.
	 */
	public static final String VARIABLE = "GRACEFUL_RESTART_SUPERVISOR";

	/**
	 * Run a supervisor with this configuration in this process, until the service stops.
	 * @param os the native calls
	 * @param environment this process's environment
	 * @return the exit code for this process
	 */
	public int supervise(NativeOs os, Map<String, String> environment) {
		Map<String, String> forGenerations = new HashMap<>(environment);
		forGenerations.remove(VARIABLE);
		Supervisor supervisor = new Supervisor(this.settings, os, this.commandLine, forGenerations,
				SupervisedSocket.open(this.listeners, environment, os));
		supervisor.giveUpAfter(this.giveUpAfter);
		SdNotify.fromEnvironment(environment)
			.ifPresent((notify) -> supervisor.addListener(new SystemdNotifier(notify)));
		if (this.pidFile != null) {
			supervisor.addListener(new PidFile(this.pidFile));
		}
		SignalTrigger.install(this.signal, supervisor::requestRestart);
		SignalTrigger.handle("TERM", supervisor::stop);
		SignalTrigger.handle("INT", supervisor::stop);
		return supervisor.run();
	}

	/**
	 * Encode this configuration as one line: URL-encoded {@code key=value} pairs joined
	 * by {@code &}; arguments and listeners repeat their key.
	 * @return the line
	 */
	public String encode() {
		List<String> pairs = new ArrayList<>();
		pairs.add(pair("executable", this.commandLine.executable()));
		this.commandLine.arguments().forEach((argument) -> pairs.add(pair("argument", argument)));
		this.listeners.forEach((name,
				address) -> pairs.add(pair("listener", name + ";"
						+ (address.getAddress().isAnyLocalAddress() ? "" : address.getAddress().getHostAddress()) + ";"
						+ address.getPort())));
		pairs.add(pair("startupTimeout", this.settings.startupTimeout().toString()));
		pairs.add(pair("drainTimeout", this.settings.drainTimeout().toString()));
		pairs.add(pair("stopTimeout", this.settings.stopTimeout().toString()));
		pairs.add(pair("signal", this.signal));
		pairs.add(pair("giveUpAfter", String.valueOf(this.giveUpAfter)));
		if (this.pidFile != null) {
			pairs.add(pair("pidFile", this.pidFile.toString()));
		}
		return String.join("&", pairs);
	}

	/**
	 * Decode what {@link #encode()} wrote.
	 * @param line the line
	 * @return the configuration
	 * @throws IllegalArgumentException when the line is malformed
	 */
	public static SupervisorConfiguration decode(String line) {
		Map<String, List<String>> values = new HashMap<>();
		for (String pair : line.split("&")) {
			int equals = pair.indexOf('=');
			if (equals < 0) {
				throw new IllegalArgumentException("Malformed " + VARIABLE + " entry '" + pair + "'");
			}
			values.computeIfAbsent(pair.substring(0, equals), (key) -> new ArrayList<>())
				.add(URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
		}
		Map<String, InetSocketAddress> listeners = new LinkedHashMap<>();
		for (String listener : values.getOrDefault("listener", List.of())) {
			String[] parts = listener.split(";", -1);
			if (parts.length != 3) {
				throw new IllegalArgumentException("Malformed listener '" + listener + "' in " + VARIABLE);
			}
			listeners.put(parts[0], address(parts[1], Integer.parseInt(parts[2])));
		}
		RestartSettings settings = new RestartSettings(Duration.parse(one(values, "startupTimeout")),
				Duration.parse(one(values, "drainTimeout")), Duration.parse(one(values, "stopTimeout")));
		List<String> pidFile = values.get("pidFile");
		List<String> giveUpAfter = values.get("giveUpAfter");
		return new SupervisorConfiguration(
				new ChildCommandLine(one(values, "executable"), values.getOrDefault("argument", List.of())), listeners,
				settings, one(values, "signal"), (pidFile != null) ? Path.of(pidFile.get(0)) : null,
				(giveUpAfter != null) ? Integer.parseInt(giveUpAfter.get(0)) : Supervisor.DEFAULT_GIVE_UP_AFTER);
	}

	private static InetSocketAddress address(String host, int port) {
		try {
			return host.isEmpty() ? new InetSocketAddress(port)
					: new InetSocketAddress(InetAddress.getByName(host), port);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("Malformed address '" + host + "' in " + VARIABLE, ex);
		}
	}

	private static String one(Map<String, List<String>> values, String key) {
		List<String> value = values.get(key);
		if (value == null || value.size() != 1) {
			throw new IllegalArgumentException(VARIABLE + " needs exactly one '" + key + "'");
		}
		return value.get(0);
	}

	private static String pair(String key, String value) {
		return key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
