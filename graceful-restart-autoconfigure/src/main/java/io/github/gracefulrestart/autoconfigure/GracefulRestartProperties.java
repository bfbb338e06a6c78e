package io.github.gracefulrestart.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;

/**
 * Configuration properties for graceful restarts.
 */
@ConfigurationProperties("graceful-restart")
public class GracefulRestartProperties {

	/**
	 * Whether a signal or the gracefulrestart endpoint can restart the application into a
	 * new generation that inherits its listening sockets.
	 */
	private boolean enabled = true;

	/**
	 * Signal that triggers a graceful restart. SIGTERM and SIGINT keep their meaning:
	 * shut down.
	 */
	private RestartSignal signal = RestartSignal.HUP;

	/**
	 * Maximum time to wait for the new generation to be ready. Past it, the new
	 * generation is stopped and the running one keeps serving. Starting on busy cores
	 * takes far longer than an idle start.
	 */
	private Duration startupTimeout = Duration.ofMinutes(2);

	/**
	 * Maximum time the old generation waits, after the new one took over, for its
	 * requests in flight and its open connections to finish. Past it, the rest are
	 * closed. Keep it at least as long as the server's keep-alive timeout so that idle
	 * clients are never cut.
	 */
	private Duration drainTimeout = Duration.ofSeconds(30);

	/**
	 * Maximum time a new generation that failed or timed out may take to stop after
	 * SIGTERM before it is killed.
	 */
	private Duration stopTimeout = Duration.ofSeconds(10);

	/**
	 * File that each generation writes its pid to once it serves, so that it always names
	 * the serving generation (for systemd's PIDFile= and "kill -HUP $(cat file)"). With a
	 * supervisor, the supervisor writes its own pid. None by default.
	 */
	private Path pidFile;

	/**
	 * Whether the process started by the user stays as a small supervisor that holds the
	 * listening sockets and starts every generation, so that its pid never changes. AUTO
	 * runs one when the JVM is PID 1 (a container), where a changing pid would end the
	 * container.
	 */
	private SupervisorMode supervisor = SupervisorMode.AUTO;

	/**
	 * Number of failed replacements in a row of a generation that ended while serving
	 * after which the supervisor gives up and exits with a failure status, so that what
	 * runs the service (systemd, an orchestrator) takes over instead of a release that
	 * can never start being retried for ever.
	 */
	private int supervisorGiveUpAfter = 5;

	/**
	 * Nice value the next generation boots with, so that it takes CPU from this, the
	 * serving generation only when this one does not need it: started through nice(1),
	 * from its first instruction. It gets its priority back just before it takes over,
	 * its JIT compiler threads 20 s later. Needs CAP_SYS_NICE or RLIMIT_NICE to take it
	 * back (else the generation boots at normal priority). 0 turns it off.
	 */
	private int bootNice = 10;

	private final Warmup warmup = new Warmup();

	private final HealthGate healthGate = new HealthGate();

	private final Drain drain = new Drain();

	private final Watch watch = new Watch();

	private final BackgroundWork backgroundWork = new BackgroundWork();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public RestartSignal getSignal() {
		return this.signal;
	}

	public void setSignal(RestartSignal signal) {
		this.signal = signal;
	}

	public Duration getStartupTimeout() {
		return this.startupTimeout;
	}

	public void setStartupTimeout(Duration startupTimeout) {
		Assert.isTrue(!startupTimeout.isNegative() && !startupTimeout.isZero(),
				"graceful-restart.startup-timeout must be positive, was " + startupTimeout);
		this.startupTimeout = startupTimeout;
	}

	public Duration getDrainTimeout() {
		return this.drainTimeout;
	}

	public void setDrainTimeout(Duration drainTimeout) {
		Assert.isTrue(!drainTimeout.isNegative(),
				"graceful-restart.drain-timeout must not be negative, was " + drainTimeout);
		this.drainTimeout = drainTimeout;
	}

	public Duration getStopTimeout() {
		return this.stopTimeout;
	}

	public void setStopTimeout(Duration stopTimeout) {
		Assert.isTrue(!stopTimeout.isNegative() && !stopTimeout.isZero(),
				"graceful-restart.stop-timeout must be positive, was " + stopTimeout);
		this.stopTimeout = stopTimeout;
	}

	public Path getPidFile() {
		return this.pidFile;
	}

	public void setPidFile(Path pidFile) {
		this.pidFile = pidFile;
	}

	public int getBootNice() {
		return this.bootNice;
	}

	public void setBootNice(int bootNice) {
		Assert.isTrue(bootNice >= 0 && bootNice <= 19,
				"graceful-restart.boot-nice must be between 0 and 19, was " + bootNice);
		this.bootNice = bootNice;
	}

	public Warmup getWarmup() {
		return this.warmup;
	}

	public HealthGate getHealthGate() {
		return this.healthGate;
	}

	public Drain getDrain() {
		return this.drain;
	}

	public Watch getWatch() {
		return this.watch;
	}

	public BackgroundWork getBackgroundWork() {
		return this.backgroundWork;
	}

	public SupervisorMode getSupervisor() {
		return this.supervisor;
	}

	public void setSupervisor(SupervisorMode supervisor) {
		this.supervisor = supervisor;
	}

	public int getSupervisorGiveUpAfter() {
		return this.supervisorGiveUpAfter;
	}

	public void setSupervisorGiveUpAfter(int supervisorGiveUpAfter) {
		Assert.isTrue(supervisorGiveUpAfter >= 1,
				"graceful-restart.supervisor-give-up-after must be at least 1, was " + supervisorGiveUpAfter);
		this.supervisorGiveUpAfter = supervisorGiveUpAfter;
	}

	/**
	 * Warm-up of a new generation before it takes over.
	 */
	public static class Warmup {

		/**
		 * Whether a new generation sends itself requests (through a private connector no
		 * client can reach) and runs the WarmupHook beans before it takes over.
		 */
		private boolean enabled = true;

		/**
		 * Paths of the main server to GET, such as /hello. The health endpoint is added
		 * when Actuator exposes it.
		 */
		private List<String> paths = new ArrayList<>();

		/**
		 * Number of requests per path, at most.
		 */
		private int requests = 200;

		/**
		 * Whether the warm-up ends before all its requests were sent once response times
		 * stop improving (the median of each round of 20 requests no longer 10% below the
		 * best before it, twice in a row), so that the takeover is not delayed by
		 * requests that no longer warm anything.
		 */
		private boolean untilSettled = true;

		/**
		 * Maximum time for the hooks and the requests together.
		 */
		private Duration duration = Duration.ofSeconds(10);

		/**
		 * Number of requests sent at a time.
		 */
		private int concurrency = 2;

		/**
		 * Share of the requests to the configured paths that may fail (answer 5xx or not
		 * at all) before the warm-up fails the restart: the new generation is stopped and
		 * this one keeps serving. Any failed request to the health endpoint fails it,
		 * whatever this share.
		 */
		private double maxFailureRatio = 0.1;

		private final Traffic traffic = new Traffic();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public List<String> getPaths() {
			return this.paths;
		}

		public void setPaths(List<String> paths) {
			for (String path : paths) {
				Assert.isTrue(path.startsWith("/") && path.chars().noneMatch(Character::isWhitespace),
						"graceful-restart.warmup.paths must be absolute paths without spaces, was '" + path + "'");
			}
			this.paths = paths;
		}

		public int getRequests() {
			return this.requests;
		}

		public void setRequests(int requests) {
			Assert.isTrue(requests >= 0, "graceful-restart.warmup.requests must not be negative, was " + requests);
			this.requests = requests;
		}

		public boolean isUntilSettled() {
			return this.untilSettled;
		}

		public void setUntilSettled(boolean untilSettled) {
			this.untilSettled = untilSettled;
		}

		public Duration getDuration() {
			return this.duration;
		}

		public void setDuration(Duration duration) {
			Assert.isTrue(!duration.isNegative(),
					"graceful-restart.warmup.duration must not be negative, was " + duration);
			this.duration = duration;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			Assert.isTrue(concurrency >= 1,
					"graceful-restart.warmup.concurrency must be at least 1, was " + concurrency);
			this.concurrency = concurrency;
		}

		public Traffic getTraffic() {
			return this.traffic;
		}

		public double getMaxFailureRatio() {
			return this.maxFailureRatio;
		}

		public void setMaxFailureRatio(double maxFailureRatio) {
			Assert.isTrue(maxFailureRatio >= 0 && maxFailureRatio <= 1,
					"graceful-restart.warmup.max-failure-ratio must be between 0 and 1, was " + maxFailureRatio);
			this.maxFailureRatio = maxFailureRatio;
		}

	}

	/**
	 * Warm-up from real traffic: the routes the serving generation's clients use.
	 */
	public static class Traffic {

		/**
		 * Whether the serving generation counts the routes its clients GET (by handler
		 * mapping, 2xx answers only) and the next one warms up a path of each of the
		 * busiest, besides the configured paths. No query, header or cookie of a client
		 * is used.
		 */
		private boolean enabled = true;

		/**
		 * Number of routes to warm up, the busiest first.
		 */
		private int routes = 10;

		/**
		 * Paths never to warm up, as patterns ("*" within a segment, "**" across
		 * segments). The Actuator endpoints are never warmed up this way.
		 */
		private List<String> deny = new ArrayList<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getRoutes() {
			return this.routes;
		}

		public void setRoutes(int routes) {
			Assert.isTrue(routes >= 0 && routes <= 32,
					"graceful-restart.warmup.traffic.routes must be between 0 and 32, was " + routes);
			this.routes = routes;
		}

		public List<String> getDeny() {
			return this.deny;
		}

		public void setDeny(List<String> deny) {
			this.deny = deny;
		}

	}

	/**
	 * The health a new generation must have before it takes over.
	 */
	public static class HealthGate {

		/**
		 * Whether a new generation takes over only once its health group is UP (read
		 * in-process through Actuator's health endpoint, when the application has it).
		 * Until then it waits, telling the serving generation why; past startup-timeout
		 * it is stopped and the serving generation keeps serving.
		 */
		private boolean enabled = true;

		/**
		 * Health group that must be UP: the readiness group by default, the one
		 * Kubernetes probes (management.endpoint.health.group.readiness.include). Without
		 * a group of that name, the application's whole health.
		 */
		private String group = "readiness";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getGroup() {
			return this.group;
		}

		public void setGroup(String group) {
			Assert.isTrue(group != null && !group.isBlank(), "graceful-restart.health-gate.group must not be empty");
			this.group = group;
		}

	}

	/**
	 * What a generation that hands over does with its long-lived connections, once it
	 * stopped accepting and before it waits for its connections (at most drain-timeout).
	 */
	public static class Drain {

		/**
		 * Whether open WebSocket sessions (Spring's WebSocketHandler, STOMP, Jakarta
		 * ServerEndpoint) are closed with web-socket-close-status, so that clients
		 * reconnect to the new generation at once. Off: the application closes them
		 * (DrainStartedEvent), or they are cut at the drain timeout.
		 */
		private boolean closeWebSockets = true;

		/**
		 * Close status sent to WebSocket clients: 1012 (Service Restart) by default, or
		 * 1001 (Going Away).
		 */
		private int webSocketCloseStatus = 1012;

		/**
		 * Close reason sent to WebSocket clients.
		 */
		private String webSocketCloseReason = "Service Restart";

		/**
		 * Whether server-sent event streams (SseEmitter) are ended cleanly, so that an
		 * EventSource reconnects to the new generation at once.
		 */
		private boolean endEventStreams = true;

		public boolean isCloseWebSockets() {
			return this.closeWebSockets;
		}

		public void setCloseWebSockets(boolean closeWebSockets) {
			this.closeWebSockets = closeWebSockets;
		}

		public int getWebSocketCloseStatus() {
			return this.webSocketCloseStatus;
		}

		public void setWebSocketCloseStatus(int webSocketCloseStatus) {
			Assert.isTrue(
					webSocketCloseStatus == 1000 || webSocketCloseStatus == 1001
							|| (webSocketCloseStatus >= 1012 && webSocketCloseStatus <= 1014)
							|| (webSocketCloseStatus >= 3000 && webSocketCloseStatus <= 4999),
					"graceful-restart.drain.web-socket-close-status must be 1000, 1001, 1012-1014 or 3000-4999, was "
							+ webSocketCloseStatus);
			this.webSocketCloseStatus = webSocketCloseStatus;
		}

		public String getWebSocketCloseReason() {
			return this.webSocketCloseReason;
		}

		public void setWebSocketCloseReason(String webSocketCloseReason) {
			Assert.isTrue(webSocketCloseReason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 123,
					"graceful-restart.drain.web-socket-close-reason must be at most 123 bytes in UTF-8");
			this.webSocketCloseReason = webSocketCloseReason;
		}

		public boolean isEndEventStreams() {
			return this.endEventStreams;
		}

		public void setEndEventStreams(boolean endEventStreams) {
			this.endEventStreams = endEventStreams;
		}

	}

	/**
	 * When to run a supervisor.
	 */
	public enum SupervisorMode {

		/** When the JVM is PID 1 of its pid namespace, as in a container. */
		AUTO,

		/** Always: for service managers that track one process. */
		ALWAYS,

		/** Never: each generation starts the next and exits. */
		NEVER

	}

	/**
	 * Signals that can trigger a restart. SIGUSR2 is not among them: HotSpot uses it
	 * internally.
	 */
	public enum RestartSignal {

		/** SIGHUP, the conventional "reload" signal ({@code systemctl reload}). */
		HUP,

		/** SIGUSR1. */
		USR1

	}

	/**
	 * Restart on a new jar: the serving generation watches the jar it started from (and
	 * the configuration files listed) and restarts once one was replaced and stayed
	 * quiet.
	 */
	public static class Watch {

		/**
		 * Whether the serving generation restarts when its jar is replaced by rename (or
		 * a file listed in files changes). A jar written in place is refused, with an
		 * error.
		 */
		private boolean enabled;

		/**
		 * How long a changed file must stay unchanged before the restart: a copy in
		 * progress is never started.
		 */
		private Duration quietPeriod = Duration.ofSeconds(5);

		/**
		 * Configuration files to watch as well (config/application.yml, a mounted
		 * ConfigMap's files); changes in place count.
		 */
		private List<Path> files = new ArrayList<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getQuietPeriod() {
			return this.quietPeriod;
		}

		public void setQuietPeriod(Duration quietPeriod) {
			Assert.isTrue(!quietPeriod.isNegative() && !quietPeriod.isZero(),
					"graceful-restart.watch.quiet-period must be positive");
			this.quietPeriod = quietPeriod;
		}

		public List<Path> getFiles() {
			return this.files;
		}

		public void setFiles(List<Path> files) {
			this.files = files;
		}

	}

	/**
	 * Background work (scheduled tasks, message listener containers), which runs in one
	 * generation at a time.
	 */
	public static class BackgroundWork {

		/**
		 * Whether a new generation starts its background work only once the serving one
		 * has stopped its own, as it hands over and before it drains, so that the two
		 * never run it at once.
		 */
		private boolean handOver = true;

		/**
		 * Names of lifecycle beans that are background work, besides task schedulers and
		 * message listener containers.
		 */
		private List<String> include = new ArrayList<>();

		/**
		 * Names of lifecycle beans that are not background work: they run in every
		 * generation from its start to its close.
		 */
		private List<String> exclude = new ArrayList<>();

		public boolean isHandOver() {
			return this.handOver;
		}

		public void setHandOver(boolean handOver) {
			this.handOver = handOver;
		}

		public List<String> getInclude() {
			return this.include;
		}

		public void setInclude(List<String> include) {
			this.include = include;
		}

		public List<String> getExclude() {
			return this.exclude;
		}

		public void setExclude(List<String> exclude) {
			this.exclude = exclude;
		}

	}

}
