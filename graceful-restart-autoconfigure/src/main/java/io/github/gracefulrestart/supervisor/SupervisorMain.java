package io.github.gracefulrestart.supervisor;

import io.github.gracefulrestart.process.JnrNativeOs;

/**
 * The main class of the small JVM a supervisor runs in: the process the user started
 * replaces itself with it ({@code execve}, so the pid stays), leaving the application's
 * classes, heap and Spring behind. The configuration comes in
 * {@value SupervisorConfiguration#VARIABLE}.
 */
public final class SupervisorMain {

	/**
	 * Logback configuration for the supervisor's own log lines, in Spring Boot's console
	 * format.
	 */
	static final String LOGBACK_CONFIGURATION = "io/github/gracefulrestart/supervisor/supervisor-logback.xml";

	private SupervisorMain() {
	}

	/**
	 * Supervise, then exit with the last generation's status.
	 * @param args ignored
	 */
	public static void main(String[] args) {
		String configuration = System.getenv(SupervisorConfiguration.VARIABLE);
		if (configuration == null) {
			System.err.println(SupervisorMain.class.getName() + " is started by graceful-restart, with "
					+ SupervisorConfiguration.VARIABLE + " set; run the application itself instead");
			System.exit(2);
		}
		System.setProperty("PID", String.valueOf(ProcessHandle.current().pid()));
		if (System.getProperty("logback.configurationFile") == null) {
			System.setProperty("logback.configurationFile", LOGBACK_CONFIGURATION);
		}
		System.exit(SupervisorConfiguration.decode(configuration)
			.supervise(JnrNativeOs.load(), SupervisorJvm.forGenerations(System.getenv())));
	}

}
