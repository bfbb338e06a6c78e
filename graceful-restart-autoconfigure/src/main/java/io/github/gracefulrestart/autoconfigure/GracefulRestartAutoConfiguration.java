package io.github.gracefulrestart.autoconfigure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.gracefulrestart.CloseConnectionWhileDrainingFilter;
import io.github.gracefulrestart.handover.Handoff;
import io.github.gracefulrestart.handover.RestartCoordinator;
import io.github.gracefulrestart.HealthGate;
import io.github.gracefulrestart.RestartListener;
import io.github.gracefulrestart.RestartSettings;
import io.github.gracefulrestart.TrafficRoutes;
import io.github.gracefulrestart.Warmup;
import io.github.gracefulrestart.WarmupHook;
import io.github.gracefulrestart.process.BootPriority;
import io.github.gracefulrestart.process.ChildCommandLine;
import io.github.gracefulrestart.process.NativeOs;
import io.github.gracefulrestart.process.PidFile;
import io.github.gracefulrestart.systemd.SdNotify;
import io.github.gracefulrestart.systemd.SystemdNotifier;
import io.github.gracefulrestart.socket.ProcSocketTable;
import jnr.posix.POSIX;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * {@link AutoConfiguration Auto-configuration} for graceful restarts of a web
 * application.
 */
@AutoConfiguration
@ConditionalOnWebApplication
@ConditionalOnClass(POSIX.class)
@ConditionalOnBooleanProperty(name = "graceful-restart.enabled", matchIfMissing = true)
@Conditional(NativeSupportCondition.class)
@EnableConfigurationProperties(GracefulRestartProperties.class)
public final class GracefulRestartAutoConfiguration {

	private static final Log logger = LogFactory.getLog(GracefulRestartAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	NativeOs gracefulRestartNativeOs() {
		return NativeSupportCondition.nativeOs();
	}

	@Bean
	@ConditionalOnMissingBean
	Handoff gracefulRestartHandoff(NativeOs nativeOs) {
		return Handoff.fromEnvironment(System.getenv(), nativeOs, new ProcSocketTable());
	}

	@Bean
	RunningWebServers gracefulRestartWebServers(ObjectProvider<WebServerRestartSupport> supports) {
		return new RunningWebServers(supports.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	RestartCoordinator restartCoordinator(GracefulRestartProperties properties, NativeOs nativeOs, Handoff handoff,
			RunningWebServers webServers, ConfigurableApplicationContext context,
			ObjectProvider<BootPriority> bootPriority, ObjectProvider<GenerationLifecycleProcessor> lifecycle,
			ObjectProvider<TrafficRoutes> traffic) {
		warnIfClassDataConfigured(context.getEnvironment());
		RestartSettings settings = new RestartSettings(properties.getStartupTimeout(), properties.getDrainTimeout(),
				properties.getStopTimeout());
		RestartCoordinator coordinator = new RestartCoordinator(settings, nativeOs, handoff, webServers,
				ChildCommandLine::ofCurrentProcess, (attempt) -> closeAndExit(context, webServers, nativeOs));
		// A generation that booted lowered knows its normal priority from before; any
		// other has it now.
		coordinator.useBootPriority(bootPriority.getIfAvailable(() -> new BootPriority(nativeOs)),
				properties.getBootNice());
		lifecycle.ifAvailable((processor) -> coordinator.useWork(processor.work()));
		traffic.ifAvailable((routes) -> coordinator
			.useTrafficRoutes(() -> TrafficRoutes.encode(routes.busiest(TrafficRoutes.MOST_HANDED))));
		return coordinator;
	}

	/**
	 * The class-data machinery of 0.1 (a training run, an extracted copy of the jar,
	 * archives in {@code java.io.tmpdir}) is gone; a configuration that still sets it
	 * hears so once.
	 */
	private static void warnIfClassDataConfigured(Environment environment) {
		for (String name : List.of("enabled", "directory", "keep", "extract")) {
			if (environment.containsProperty("graceful-restart.class-data." + name)) {
				logger
					.warn("graceful-restart.class-data.* is no longer used: generations start with your command line as "
							+ "it is, so a CDS archive or AOT cache you give it (Spring Boot's efficient deployment) is "
							+ "used by every generation; see docs/warm-generations.md");
				return;
			}
		}
	}

	/**
	 * Tell the coordinator that this generation shuts down as soon as the context starts
	 * closing, before Spring Boot's graceful shutdown of the web server: a new generation
	 * that reports ready meanwhile must be stopped, not take over from a service that is
	 * stopping.
	 */
	@Bean
	ApplicationListener<ContextClosedEvent> gracefulRestartShutdown(RestartCoordinator coordinator,
			ConfigurableApplicationContext context) {
		return (event) -> {
			if (event.getApplicationContext() == context) {
				coordinator.shuttingDown();
			}
		};
	}

	/**
	 * End the drained web servers, then close the context and exit, from a non-daemon
	 * thread: Tomcat's await thread ends early in the close, and with only daemon threads
	 * left the JVM would exit half-way through destroying the web server, before Spring
	 * Boot deletes its temp directories. A server the drain timeout cut ends first so
	 * that the drain timeout, not a second graceful wait, bounds what a stuck request
	 * costs ({@link RunningWebServers#stopAll}). Closing runs at the lowest CPU priority:
	 * the new generation serves meanwhile.
	 */
	private static void closeAndExit(ConfigurableApplicationContext context, RunningWebServers webServers,
			NativeOs os) {
		new BootPriority(os).yieldToNext();
		Thread exit = new Thread(() -> {
			webServers.stopAll();
			System.exit(SpringApplication.exit(context));
		}, "graceful-restart-exit");
		exit.setDaemon(false);
		exit.start();
	}

	/**
	 * The routes this generation's clients use, for the next one's warm-up.
	 */
	@Bean
	@ConditionalOnBooleanProperty(name = "graceful-restart.warmup.traffic.enabled", matchIfMissing = true)
	TrafficRoutes gracefulRestartTrafficRoutes() {
		return new TrafficRoutes();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnBooleanProperty(name = "graceful-restart.watch.enabled")
	FileWatchRunner gracefulRestartFileWatch(RestartCoordinator coordinator, GracefulRestartProperties properties) {
		return new FileWatchRunner(coordinator, properties.getWatch());
	}

	@Bean
	GracefulRestartTriggers gracefulRestartTriggers(RestartCoordinator coordinator,
			GracefulRestartProperties properties, Handoff handoff, RunningWebServers webServers,
			ObjectProvider<WarmupHook> hooks, ObjectProvider<BootPriority> bootPriority,
			ObjectProvider<HealthGate> healthGate, ConfigurableApplicationContext context) {
		// Only a generation that takes over from a serving one waits for its health and
		// warms up: a first one has nothing to protect, and would only start later.
		if (handoff.parentPid().isEmpty()) {
			return new GracefulRestartTriggers(coordinator, properties.getSignal().name(), null);
		}
		Warmup warmup = properties.getWarmup().isEnabled() ? new Warmup(
				warmupSettings(properties.getWarmup(), context.getEnvironment(), System.getenv(Handoff.WARMUP_PATHS)),
				hooks.orderedStream().toList()) : null;
		HealthGate gate = properties.getHealthGate().isEnabled() ? healthGate.getIfAvailable() : null;
		if (properties.getHealthGate().isEnabled() && gate == null) {
			logger.info("No health endpoint: generation " + coordinator.generation()
					+ " takes over once it accepts traffic, without looking at its health");
		}
		return new GracefulRestartTriggers(coordinator, properties.getSignal().name(),
				new GracefulRestartTriggers.Takeover(gate, warmup, webServers, bootPriority.getIfAvailable(), context,
						() -> exitAfterFailedStart(context)));
	}

	/**
	 * A new generation that will not take over ends, from a thread of its own (the
	 * context's close waits for the thread that asks for it otherwise): the one that
	 * started it hears its exit, and keeps serving.
	 */
	private static void exitAfterFailedStart(ConfigurableApplicationContext context) {
		Thread exit = new Thread(() -> System.exit(SpringApplication.exit(context, () -> 1)), "graceful-restart-exit");
		exit.setDaemon(false);
		exit.start();
	}

	/**
	 * Every {@link RestartListener} bean of the application hears this generation's
	 * restarts, in their order.
	 */
	@Bean
	static SmartInitializingSingleton gracefulRestartListenerBeans(ObjectProvider<RestartCoordinator> coordinator,
			ObjectProvider<RestartListener> listeners) {
		return () -> listeners.orderedStream().forEach(coordinator.getObject()::addListener);
	}

	@Bean
	RestartEventPublisher gracefulRestartEventPublisher(RestartCoordinator coordinator,
			ApplicationEventPublisher publisher) {
		return new RestartEventPublisher(coordinator, publisher);
	}

	/**
	 * The configured paths on the main server and a path of each of the busiest routes of
	 * the serving generation's clients ({@code handedPaths}, less Actuator's and the
	 * denied ones), and the health endpoint on the server that hosts Actuator's endpoints
	 * when it is exposed (as it is by default).
	 */
	static Warmup.Settings warmupSettings(GracefulRestartProperties.Warmup properties, Environment environment,
			String handedPaths) {
		Map<String, List<String>> paths = new LinkedHashMap<>();
		paths.put("server", new ArrayList<>(properties.getPaths()));
		if (properties.getTraffic().isEnabled()) {
			List<String> deny = new ArrayList<>(properties.getTraffic().getDeny());
			deny.add(environment.getProperty("server.servlet.context-path", "")
					+ environment.getProperty("management.endpoints.web.base-path", "/actuator") + "/**");
			TrafficRoutes.decode(handedPaths, deny, properties.getTraffic().getRoutes())
				.stream()
				.filter((path) -> !paths.get("server").contains(path))
				.forEach(paths.get("server")::add);
		}
		String health = null;
		if (ClassUtils.isPresent("org.springframework.boot.actuate.endpoint.annotation.Endpoint",
				GracefulRestartAutoConfiguration.class.getClassLoader()) && healthExposed(environment)) {
			boolean separate = ManagementPort.isSeparate(environment);
			String prefix = separate ? environment.getProperty("management.server.base-path", "")
					: environment.getProperty("server.servlet.context-path", "");
			health = prefix + environment.getProperty("management.endpoints.web.base-path", "/actuator") + "/health";
			paths.computeIfAbsent(separate ? "management" : "server", (name) -> new ArrayList<>()).add(health);
		}
		return new Warmup.Settings(paths, properties.getRequests(), properties.getDuration(),
				properties.getConcurrency(), properties.isUntilSettled(), health, properties.getMaxFailureRatio());
	}

	private static boolean healthExposed(Environment environment) {
		String include = environment.getProperty("management.endpoints.web.exposure.include", "health");
		String exclude = environment.getProperty("management.endpoints.web.exposure.exclude", "");
		List<String> included = List.of(include.replace(" ", "").split(","));
		return (included.contains("health") || included.contains("*"))
				&& !List.of(exclude.replace(" ", "").split(",")).contains("health");
	}

	/**
	 * The PID file names the serving generation: {@code graceful-restart.pid-file}, or
	 * Spring Boot's {@code spring.pid.file}. With a supervisor, the supervisor writes its
	 * own pid, the one that stays.
	 */
	@Bean
	@Conditional(PidFileCondition.class)
	PidFile gracefulRestartPidFile(GracefulRestartProperties properties, Environment environment) {
		return new PidFile(pidFile(properties, environment));
	}

	/**
	 * Return the PID file: {@code graceful-restart.pid-file}, else
	 * {@code spring.pid.file}.
	 * @param properties the properties
	 * @param environment the environment
	 * @return the file, or null for none
	 */
	static Path pidFile(GracefulRestartProperties properties, Environment environment) {
		if (properties.getPidFile() != null) {
			return properties.getPidFile();
		}
		String boot = environment.getProperty("spring.pid.file");
		return (boot != null && !boot.isBlank()) ? Path.of(boot) : null;
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnNotifySocketCondition.class)
	SystemdNotifier gracefulRestartSystemdNotifier() {
		return new SystemdNotifier(SdNotify.fromEnvironment(System.getenv()).orElseThrow());
	}

	/**
	 * Servlet applications: responses started during the drain close their connection.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "jakarta.servlet.Filter")
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	static class ServletConfiguration {

		@Bean
		FilterRegistrationBean<CloseConnectionWhileDrainingFilter> gracefulRestartDrainingFilter(
				RestartCoordinator coordinator) {
			// Outermost: it wraps the response before any other filter writes to it.
			FilterRegistrationBean<CloseConnectionWhileDrainingFilter> registration = new FilterRegistrationBean<>(
					new CloseConnectionWhileDrainingFilter(coordinator::state));
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			return registration;
		}

		@Bean
		LongLivedConnections gracefulRestartLongLivedConnections(RestartCoordinator coordinator,
				RunningWebServers webServers, ObjectProvider<EventStreams> eventStreams,
				GracefulRestartProperties properties) {
			LongLivedConnections connections = new LongLivedConnections(webServers, eventStreams.getIfAvailable(),
					properties.getDrain());
			coordinator.useConnectionKinds(connections);
			return connections;
		}

	}

	/**
	 * Reactive applications (Reactor Netty, Tomcat, Jetty): responses started during the
	 * drain close their connection; server-sent event streams end and the WebSocket
	 * sessions the servers know are closed once the generation handed over.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.web.server.WebFilter")
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	static class ReactiveConfiguration {

		@Bean
		CloseConnectionWhileDrainingWebFilter gracefulRestartDrainingWebFilter(RestartCoordinator coordinator) {
			return new CloseConnectionWhileDrainingWebFilter(coordinator::state);
		}

		@Bean
		@ConditionalOnBooleanProperty(name = "graceful-restart.warmup.traffic.enabled", matchIfMissing = true)
		TrafficRoutesWebFilter gracefulRestartTrafficRoutesWebFilter(TrafficRoutes routes) {
			return new TrafficRoutesWebFilter(routes);
		}

		@Bean
		ReactiveEventStreams gracefulRestartReactiveEventStreams() {
			return new ReactiveEventStreams();
		}

		@Bean
		LongLivedConnections gracefulRestartReactiveLongLivedConnections(RestartCoordinator coordinator,
				RunningWebServers webServers, ReactiveEventStreams eventStreams, GracefulRestartProperties properties) {
			LongLivedConnections connections = new LongLivedConnections(webServers, eventStreams,
					properties.getDrain());
			coordinator.useConnectionKinds(connections);
			return connections;
		}

	}

	/**
	 * Spring MVC applications: their server-sent event streams are ended at the drain.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.web.servlet.config.annotation.WebMvcConfigurer")
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	static class WebMvcConfiguration {

		@Bean
		EventStreams gracefulRestartEventStreams() {
			return new EventStreams();
		}

		@Bean
		@ConditionalOnBooleanProperty(name = "graceful-restart.warmup.traffic.enabled", matchIfMissing = true)
		FilterRegistrationBean<TrafficRoutesFilter> gracefulRestartTrafficRoutesFilter(TrafficRoutes routes) {
			FilterRegistrationBean<TrafficRoutesFilter> registration = new FilterRegistrationBean<>(
					new TrafficRoutesFilter(routes));
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
			return registration;
		}

		@Bean
		WebMvcConfigurer gracefulRestartAsyncSupport(EventStreams eventStreams) {
			return new WebMvcConfigurer() {

				@Override
				public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
					configurer.registerDeferredResultInterceptors(eventStreams);
				}

			};
		}

	}

}
