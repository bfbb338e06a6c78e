package io.github.gracefulrestart.process;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import sun.misc.Signal;

/**
 * Runs an action when this JVM receives a signal. {@code sun.misc.Signal} stays confined
 * to this class. The handler replaces the JVM's default for the signal (for SIGHUP: run
 * the shutdown hooks and exit), and returns at once: the action must hand the work to its
 * own thread.
 */
public final class SignalTrigger {

	private static final Log logger = LogFactory.getLog(SignalTrigger.class);

	private SignalTrigger() {
	}

	/**
	 * Install a handler for {@code name} ({@code HUP}, {@code USR1}, ...).
	 * @param name the signal's name without {@code SIG}
	 * @param action what to run, given "SIG" + name
	 * @return whether the signal will reach the handler; when not, the reason was logged
	 * once
	 */
	public static boolean install(String name, Consumer<String> action) {
		if (ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-Xrs")) {
			logger.warn("The JVM runs with -Xrs, so SIG" + name + " cannot trigger a graceful restart; "
					+ "use the gracefulrestart endpoint or start the JVM without -Xrs");
			return false;
		}
		Signal signal;
		try {
			signal = new Signal(name);
			Signal.handle(signal, (received) -> action.accept("SIG" + received.getName()));
		}
		catch (IllegalArgumentException ex) {
			logger.warn("SIG" + name + " cannot trigger a graceful restart in this JVM: " + ex.getMessage());
			return false;
		}
		if (isIgnoredAtStart(signal.getNumber())) {
			logger.warn("SIG" + name + " was ignored when this JVM started (nohup?), so it cannot trigger a graceful "
					+ "restart of this generation; use the gracefulrestart endpoint, or start without nohup");
			return false;
		}
		return true;
	}

	/**
	 * Handle {@code name} without the checks {@link #install} makes for a restart signal:
	 * for a supervisor's SIGTERM and SIGINT, which keep their meaning (stop).
	 * @param name the signal's name without {@code SIG}
	 * @param action what to run, given "SIG" + name
	 */
	public static void handle(String name, Consumer<String> action) {
		try {
			Signal.handle(new Signal(name), (received) -> action.accept("SIG" + received.getName()));
		}
		catch (IllegalArgumentException ex) {
			logger.warn("Cannot handle SIG" + name + " in this JVM: " + ex.getMessage());
		}
	}

	/**
	 * Whether the kernel still has {@code signal} ignored for this process: the JVM
	 * leaves signals that were ignored at its start (nohup) ignored, whatever handler is
	 * installed.
	 */
	private static boolean isIgnoredAtStart(int signal) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				if (line.startsWith("SigIgn:")) {
					long ignored = Long.parseUnsignedLong(line.substring(7).trim(), 16);
					return (ignored & (1L << (signal - 1))) != 0;
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			logger.debug("Cannot read /proc/self/status: " + ex.getMessage());
		}
		return false;
	}

}
