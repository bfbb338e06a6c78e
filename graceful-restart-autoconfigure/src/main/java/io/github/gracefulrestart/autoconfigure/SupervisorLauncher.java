package io.github.gracefulrestart.autoconfigure;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.gracefulrestart.handover.Handoff;
import io.github.gracefulrestart.RestartSettings;
import io.github.gracefulrestart.autoconfigure.GracefulRestartProperties.SupervisorMode;
import io.github.gracefulrestart.process.ChildCommandLine;
import io.github.gracefulrestart.process.NativeOs;
import io.github.gracefulrestart.supervisor.Supervisor;
import io.github.gracefulrestart.supervisor.SupervisorConfiguration;
import io.github.gracefulrestart.supervisor.SupervisorJvm;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;

/**
 * Turns the process the user started into a {@link Supervisor} when supervised mode
 * applies ({@code graceful-restart.supervisor}): once the environment is prepared
 * (configuration read, logging set up) and before any application context, web server or
 * user bean exists. The process replaces itself (same pid) with a small JVM running only
 * the supervisor, which binds the {@code server} and {@code management} listeners as the
 * application configures them, runs until the service stops and exits with the last
 * generation's status; this method never returns then. Generations, started by it, go on
 * as usual.
 */
public class SupervisorLauncher implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

	private static final Log logger = LogFactory.getLog(SupervisorLauncher.class);

	private static final AtomicBoolean launched = new AtomicBoolean();

	private static final List<String> TEST_PACKAGES = List.of("org.junit.", "org.springframework.boot.test.",
			"org.apache.maven.surefire.", "org.testng.", "io.cucumber.");

	@Override
	public int getOrder() {
		// After the config data and logging listeners.
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		ConfigurableEnvironment environment = event.getEnvironment();
		// A generation, an application without a web server, a test's context, or a
		// training run for a class-data archive (spring.context.exit, which ends before
		// anything serves): nothing to supervise (a test JVM must never replace itself).
		if (System.getenv(Handoff.LISTENERS) != null || System.getProperty("spring.context.exit") != null
				|| event.getSpringApplication().getWebApplicationType() == WebApplicationType.NONE
				|| event.getSpringApplication().getMainApplicationClass() == null || runByATest()) {
			return;
		}
		GracefulRestartProperties properties = Binder.get(environment)
			.bindOrCreate("graceful-restart", GracefulRestartProperties.class);
		boolean pid1 = ProcessHandle.current().pid() == 1;
		SupervisorMode mode = properties.getSupervisor();
		if (!properties.isEnabled() || mode == SupervisorMode.NEVER || (mode == SupervisorMode.AUTO && !pid1)
				|| !supportedServer() || !launched.compareAndSet(false, true)) {
			return;
		}
		NativeOs os;
		try {
			os = NativeSupportCondition.nativeOs();
		}
		catch (IllegalStateException ex) {
			logger.warn("No supervisor: " + ex.getMessage()
					+ (pid1 ? "; as PID 1 this JVM cannot restart gracefully" : ""));
			return;
		}
		Map<String, InetSocketAddress> listeners = listeners(environment);
		if (listeners.isEmpty()) {
			return;
		}
		logger.info("graceful-restart runs a supervisor ("
				+ (pid1 ? "this JVM is PID 1" : "graceful-restart.supervisor=" + mode.name().toLowerCase()) + ")");
		SupervisorConfiguration configuration = new SupervisorConfiguration(ChildCommandLine.ofCurrentProcess(),
				listeners,
				new RestartSettings(properties.getStartupTimeout(), properties.getDrainTimeout(),
						properties.getStopTimeout()),
				properties.getSignal().name(), properties.getPidFile(), properties.getSupervisorGiveUpAfter());
		SupervisorJvm.command().ifPresent((command) -> SupervisorJvm.exec(os, command, configuration));
		// No small JVM to become: supervise from this one, with the classes loaded so
		// far.
		System.exit(configuration.supervise(os, System.getenv()));
	}

	/**
	 * Whether a test framework started this context, as Spring Boot DevTools decides it.
	 */
	private static boolean runByATest() {
		return StackWalker.getInstance()
			.walk((frames) -> frames.anyMatch((frame) -> TEST_PACKAGES.stream()
				.anyMatch((testPackage) -> frame.getClassName().startsWith(testPackage))));
	}

	private static boolean supportedServer() {
		ClassLoader classLoader = SupervisorLauncher.class.getClassLoader();
		return ClassUtils.isPresent("org.apache.catalina.startup.Tomcat", classLoader)
				|| ClassUtils.isPresent("org.eclipse.jetty.server.Server", classLoader)
				|| ClassUtils.isPresent("reactor.netty.http.server.HttpServer", classLoader);
	}

	/**
	 * The listeners Spring Boot would bind: {@code server.address}/{@code server.port},
	 * and the management server when Actuator runs it on a port of its own.
	 */
	private static Map<String, InetSocketAddress> listeners(ConfigurableEnvironment environment) {
		Map<String, InetSocketAddress> listeners = new LinkedHashMap<>();
		int port = environment.getProperty("server.port", Integer.class, 8080);
		if (port < 0) {
			return listeners;
		}
		listeners.put("server", address(environment.getProperty("server.address", InetAddress.class), port));
		if (ManagementPort.isSeparate(environment)) {
			listeners.put("management", address(environment.getProperty("management.server.address", InetAddress.class),
					environment.getProperty("management.server.port", Integer.class, 0)));
		}
		return listeners;
	}

	private static InetSocketAddress address(InetAddress host, int port) {
		return (host != null) ? new InetSocketAddress(host, port) : new InetSocketAddress(port);
	}

}
