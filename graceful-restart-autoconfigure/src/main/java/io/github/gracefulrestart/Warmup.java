package io.github.gracefulrestart;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.gracefulrestart.RestartableServer.PrivateChannel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Warms a new generation up before it tells the serving one that it is ready: the first
 * requests after a JVM starts run interpreted and are many times slower, so the new
 * generation sends itself requests first, through a {@link PrivateChannel private
 * channel} of each server (never the shared sockets), and runs the application's
 * {@link WarmupHook hooks}. Bounded by a request count and a duration, and by default
 * ended sooner once response times stop improving. Server errors fail it (and so the
 * restart): any on the health endpoint, or more than a share of those to the other paths;
 * a hook that fails or hangs does not.
 */
public final class Warmup {

	private static final Log logger = LogFactory.getLog(Warmup.class);

	private final Settings settings;

	private final List<WarmupHook> hooks;

	/**
	 * Create a warm-up.
	 * @param settings what to send
	 * @param hooks the application's hooks
	 */
	public Warmup(Settings settings, List<WarmupHook> hooks) {
		this.settings = settings;
		this.hooks = List.copyOf(hooks);
	}

	/**
	 * Warm up {@code servers}.
	 * @param servers the running servers, each holding back from accepting
	 * @return what was done
	 */
	public Result run(List<RestartableServer> servers) {
		long start = System.nanoTime();
		long deadline = start + this.settings.duration().toNanos();
		int hooksRun = runHooks(deadline);
		Map<Target, PrivateChannel> channels = open(servers);
		AtomicInteger sent = new AtomicInteger();
		AtomicBoolean warned = new AtomicBoolean();
		Map<Target, Outcomes> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
		ResponseTimeTrend trend = new ResponseTimeTrend();
		boolean untilSettled = this.settings.untilSettled();
		try {
			List<Target> targets = new ArrayList<>(channels.keySet());
			int total = targets.size() * this.settings.requests();
			List<Thread> threads = new ArrayList<>();
			for (int i = 0; i < Math.max(1, this.settings.concurrency()) && total > 0; i++) {
				Thread thread = new Thread(() -> {
					int next;
					while (System.nanoTime() < deadline && !(untilSettled && trend.settled())
							&& (next = sent.getAndIncrement()) < total) {
						Target target = targets.get(next % targets.size());
						try {
							long sentAt = System.nanoTime();
							int status = channels.get(target).get(target.path());
							trend.add(System.nanoTime() - sentAt);
							record(outcomes, warned, target, status, null);
						}
						catch (IOException | RuntimeException ex) {
							record(outcomes, warned, target, 0, ex);
						}
					}
				}, "graceful-restart-warmup-" + i);
				thread.setDaemon(true);
				thread.start();
				threads.add(thread);
			}
			for (Thread thread : threads) {
				thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) + 30_000);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			channels.values().forEach(PrivateChannel::close);
		}
		int requests = outcomes.values().stream().mapToInt((outcome) -> outcome.requests.get()).sum();
		int errors = outcomes.values().stream().mapToInt((outcome) -> outcome.failed.get()).sum();
		Result result = new Result(requests, errors, hooksRun, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
				untilSettled && trend.settled(), failure(outcomes));
		String trendSummary = trend.summary();
		logger.info("Warm-up: " + result.requests() + " request(s) to " + channels.keySet() + ", " + result.errors()
				+ " error(s), " + hooksRun + " hook(s), in " + result.durationMs() + " ms"
				+ (result.settled() ? "; response times settled" : "")
				+ (trendSummary.isEmpty() ? "" : " (" + trendSummary + ")"));
		return result;
	}

	/** Count what a request got, and log the first failure of the warm-up. */
	private static void record(Map<Target, Outcomes> outcomes, AtomicBoolean warned, Target target, int status,
			Exception failure) {
		boolean failed = outcomes.computeIfAbsent(target, (key) -> new Outcomes())
			.add(status, (failure != null) ? failure.toString() : null);
		if (failed && warned.compareAndSet(false, true)) {
			logger.warn("Warm-up request GET " + target.path()
					+ ((failure != null) ? " failed: " + failure.getMessage() : " answered " + status));
		}
	}

	/**
	 * Why the warm-up fails the restart, or null: any failed request to the health
	 * endpoint, or a share of failed requests to the other paths above the limit.
	 */
	private String failure(Map<Target, Outcomes> outcomes) {
		int requests = 0;
		int failed = 0;
		boolean healthFailed = false;
		List<String> failures = new ArrayList<>();
		for (Map.Entry<Target, Outcomes> entry : outcomes.entrySet()) {
			Outcomes outcome = entry.getValue();
			boolean health = entry.getKey().path().equals(this.settings.healthPath());
			if (!health) {
				requests += outcome.requests.get();
				failed += outcome.failed.get();
			}
			if (outcome.failed.get() > 0) {
				healthFailed |= health;
				failures.add("GET " + entry.getKey().path() + " " + outcome.describeFailures());
			}
		}
		boolean tooMany = requests > 0 && failed > this.settings.maxFailureRatio() * requests;
		if (!healthFailed && !tooMany) {
			return null;
		}
		return "warm-up failed ("
				+ (healthFailed ? "the health endpoint failed"
						: failed + " of " + requests + " requests failed, more than "
								+ Math.round(this.settings.maxFailureRatio() * 100) + "%")
				+ "): " + String.join("; ", failures);
	}

	private int runHooks(long deadline) {
		int run = 0;
		for (WarmupHook hook : this.hooks) {
			CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
				try {
					hook.warmUp();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}, (task) -> {
				Thread thread = new Thread(task, "graceful-restart-warmup-hook");
				thread.setDaemon(true);
				thread.start();
			});
			try {
				done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				run++;
			}
			catch (TimeoutException ex) {
				logger.warn("Warm-up hook " + hook + " still runs after " + this.settings.duration()
						+ "; taking over without waiting for it");
				return run;
			}
			catch (ExecutionException ex) {
				logger.warn("Warm-up hook " + hook + " failed", ex.getCause());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return run;
			}
		}
		return run;
	}

	private Map<Target, PrivateChannel> open(List<RestartableServer> servers) {
		Map<Target, PrivateChannel> channels = new LinkedHashMap<>();
		Map<RestartableServer, PrivateChannel> opened = new LinkedHashMap<>();
		for (Map.Entry<String, List<String>> entry : this.settings.paths().entrySet()) {
			RestartableServer server = servers.stream()
				.filter((candidate) -> candidate.listeners().stream().anyMatch((l) -> l.name().equals(entry.getKey())))
				.findFirst()
				.orElse(null);
			if (server == null || entry.getValue().isEmpty()) {
				continue;
			}
			try {
				PrivateChannel channel = opened.get(server);
				if (channel == null) {
					channel = server.openPrivateChannel().orElse(null);
					if (channel == null) {
						continue;
					}
					opened.put(server, channel);
				}
				for (String path : entry.getValue()) {
					channels.put(new Target(entry.getKey(), path), channel);
				}
			}
			catch (IOException ex) {
				logger.warn("No warm-up of listener '" + entry.getKey() + "': " + ex.getMessage());
			}
		}
		return channels;
	}

	/**
	 * What to send.
	 *
	 * @param paths the paths to {@code GET}, by the name of the listener whose server
	 * serves them ({@code server}, {@code management})
	 * @param requests how many requests per path
	 * @param duration the time box for the hooks and the requests together
	 * @param concurrency how many requests at a time
	 * @param untilSettled whether to end before {@code requests} once response times stop
	 * improving (see {@link ResponseTimeTrend})
	 * @param healthPath the health endpoint's path among {@code paths}, any failure of
	 * which fails the warm-up, or null
	 * @param maxFailureRatio the share of failed requests to the other paths that fails
	 * the warm-up when exceeded
	 */
	public record Settings(Map<String, List<String>> paths, int requests, Duration duration, int concurrency,
			boolean untilSettled, String healthPath, double maxFailureRatio) {

		/**
		 * Settings with which no error fails the warm-up.
		 * @param paths the paths to {@code GET}, by listener name
		 * @param requests how many requests per path
		 * @param duration the time box
		 * @param concurrency how many requests at a time
		 * @param untilSettled whether to end once response times stop improving
		 */
		public Settings(Map<String, List<String>> paths, int requests, Duration duration, int concurrency,
				boolean untilSettled) {
			this(paths, requests, duration, concurrency, untilSettled, null, 1);
		}

	}

	/**
	 * What a warm-up did.
	 *
	 * @param requests the requests sent
	 * @param errors those that failed or answered 5xx
	 * @param hooks the hooks that completed
	 * @param durationMs how long it took
	 * @param settled whether it ended early because response times had stopped improving
	 * @param failure why the warm-up fails the restart (the paths and what they
	 * answered), or null when it does not
	 */
	public record Result(int requests, int errors, int hooks, long durationMs, boolean settled, String failure) {

	}

	/** What the requests to one path got. */
	private static final class Outcomes {

		private final AtomicInteger requests = new AtomicInteger();

		private final AtomicInteger failed = new AtomicInteger();

		private final Map<String, AtomicInteger> failures = new java.util.concurrent.ConcurrentSkipListMap<>();

		/** Count a request: whether it failed (5xx, or no answer). */
		boolean add(int status, String exception) {
			this.requests.incrementAndGet();
			if (exception == null && status < 500) {
				return false;
			}
			this.failed.incrementAndGet();
			String what = (exception != null) ? "failed: " + exception : "answered " + status;
			this.failures.computeIfAbsent(what, (key) -> new AtomicInteger()).incrementAndGet();
			return true;
		}

		String describeFailures() {
			List<String> described = new ArrayList<>();
			this.failures.forEach((what, count) -> described.add(what + " (" + count + " of " + this.requests + ")"));
			return String.join(", ", described);
		}

	}

	private record Target(String listener, String path) {

		@Override
		public String toString() {
			return this.listener + " " + this.path;
		}

	}

}
