package io.github.gracefulrestart.handover;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.gracefulrestart.process.ChildCommandLine;
import io.github.gracefulrestart.process.JmxRemote;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The JVM options of a generation that open a port of their own, which the next
 * generation could not open while this one holds it: a JMX remote port is carried (the
 * next generation starts without the port options, told the agent's arguments in
 * {@link Handoff#JMX_AGENT}, and starts the agent once its predecessor is gone); a JDWP
 * debug port cannot be, and fails the restart at once, naming it.
 */
public final class PortOptions {

	private static final Log logger = LogFactory.getLog(RestartCoordinator.class);

	private static final int TRIES = 10;

	private static final long BETWEEN_TRIES_MS = 500;

	private PortOptions() {
	}

	/**
	 * Return the next generation's command line without the options that open a port, and
	 * take them out of its environment's option variables too.
	 * @param line the command line
	 * @param variables this generation's environment
	 * @param environment the next generation's environment, as {@code NAME=value}
	 * entries, changed in place
	 * @return the command line
	 * @throws IllegalStateException when a debug port cannot be carried
	 */
	public static ChildCommandLine forNextGeneration(ChildCommandLine line, Map<String, String> variables,
			List<String> environment) {
		List<String> options = new ArrayList<>(line.arguments());
		JmxRemote.OPTION_VARIABLES.forEach((name) -> options.addAll(JmxRemote.options(variables.get(name))));
		Optional<String> debug = JmxRemote.fixedDebugListener(options);
		if (debug.isPresent()) {
			throw new IllegalStateException("the JVM options open a debug port ('" + debug.get() + "'), which the next "
					+ "generation could not open while this one holds it: give it address=0, or restart without it");
		}
		Optional<String> jmx = JmxRemote.agentArguments(options)
			.or(() -> Optional.ofNullable(variables.get(Handoff.JMX_AGENT)));
		if (jmx.isEmpty()) {
			return line;
		}
		environment
			.replaceAll((entry) -> JmxRemote.OPTION_VARIABLES.stream().anyMatch((name) -> entry.startsWith(name + "="))
					? entry.substring(0, entry.indexOf('=') + 1)
							+ JmxRemote.withoutPorts(entry.substring(entry.indexOf('=') + 1))
					: entry);
		environment.add(Handoff.JMX_AGENT + "=" + jmx.get());
		return new ChildCommandLine(line.executable(),
				line.arguments().stream().filter((argument) -> !JmxRemote.opensPort(argument)).toList());
	}

	/**
	 * Start this generation's JMX remote agent, a few tries while the kernel releases the
	 * port its predecessor held.
	 * @param generation this generation's number
	 * @param arguments the agent's arguments
	 */
	static void startJmxAgent(int generation, String arguments) {
		for (int attempt = 1;; attempt++) {
			try {
				JmxRemote.start(arguments);
				logger.info("Generation " + generation + " started its JMX remote agent (" + arguments + ")");
				return;
			}
			catch (RuntimeException ex) {
				if (attempt == TRIES) {
					logger.warn("Generation " + generation + " could not start its JMX remote agent (" + arguments
							+ "): " + ex.getMessage());
					return;
				}
				logger.debug("JMX remote agent not started yet", ex);
			}
			try {
				Thread.sleep(BETWEEN_TRIES_MS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
