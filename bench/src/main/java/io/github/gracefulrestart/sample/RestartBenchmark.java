package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import static org.awaitility.Awaitility.await;

/**
 * Restart under load, side by side with what users do today, in one run on one machine:
 * our restart on Tomcat and Jetty against the same load without restarts, stop-then-start
 * of the same jar ({@code systemctl restart}), and two instances behind nginx switched by
 * {@code nginx -s
 * reload} (when nginx is installed). Also takeover time against a cold start, the
 * starter's steady-state overhead and the peak RSS while two generations coexist. Writes
 * a Markdown table and a PNG plot.
 */
public final class RestartBenchmark {

	static final int RATE = 400;

	static final int KEEP_ALIVE = 16;

	static final Duration RUN = Duration.ofSeconds(60);

	static final int RESTARTS = 3;

	/** HTTP/2: 8 connections of 4 concurrent streams, about the same rate in all. */
	private static final int H2_CONNECTIONS = 8;

	private static final int H2_STREAMS = 4;

	/**
	 * How a run loads the app: HTTP/1.1 ({@link OpenLoad}) or HTTP/2 ({@link H2Load}).
	 */
	@FunctionalInterface
	interface Load {

		/**
		 * Start loading the app for {@link #RUN}, recording into {@code run}; return what
		 * waits for the end.
		 */
		Running start(SampleApp app, Recording run) throws Exception;

		/** Run what the load runs through before the measured run, once. */
		default void warmUp(SampleApp app) throws IOException {
			RestartBenchmark.warmUp(app);
		}

	}

	@FunctionalInterface
	interface Running {

		void await() throws Exception;

	}

	private static final Load HTTP1 = (app, run) -> OpenLoad.start(app::client, KEEP_ALIVE, RATE, RUN, run)::await;

	private static final Load HTTP2 = (app,
			run) -> H2Load.start(app.port(), H2_CONNECTIONS, H2_STREAMS, RATE / (H2_CONNECTIONS * H2_STREAMS), RUN,
					(intended, latency, error) -> run.record(intended, latency,
							(error == null) ? OpenLoad.Outcome.OK : outcome(error)))::await;

	private static final String[] H2C = { "--server.http2.enabled=true" };

	private static final String JDK25 = "/usr/lib/jvm/temurin-25-jdk-amd64";

	/** A new generation that takes over cold, booting at the serving one's priority. */
	private static final String[] COLD = { "--graceful-restart.warmup.enabled=false",
			"--graceful-restart.boot-nice=0" };

	private final Path work;

	final List<String> rows = new ArrayList<>();

	final List<String> notes = new ArrayList<>();

	RestartBenchmark(Path work) {
		this.work = work;
	}

	public static void main(String[] args) throws Exception {
		int outAt = List.of(args).indexOf("--out");
		Path out = Path.of((outAt >= 0 && outAt + 1 < args.length) ? args[outAt + 1] : "docs");
		Path work = Files.createTempDirectory("graceful-restart-bench");
		try {
			if (List.of(args).contains("--start-times")) {
				// Only the start times, printed: a quick look after a change to start-up.
				RestartBenchmark benchmark = new RestartBenchmark(work);
				benchmark.startTimes();
				benchmark.notes.forEach(System.out::println);
			}
			else if (List.of(args).contains("--overhead")) {
				// Only the steady throughput with the starter and without, printed.
				List<String> notes = new ArrayList<>();
				new Overhead(work, notes, KEEP_ALIVE).measure();
				notes.forEach(System.out::println);
			}
			else if (List.of(args).contains("--shop")) {
				// Only the shop (a realistic application): its own section of
				// benchmarks.md.
				RealApplications.shopSection(work, out);
			}
			else if (List.of(args).contains("--petclinic")) {
				// Spring PetClinic with the starter added (-Dsample.petclinic.jar), under
				// a moderate load of its own pages and forms, printed.
				RestartBenchmark benchmark = new RestartBenchmark(work);
				new RealApplications(benchmark, work).petClinic();
				benchmark.notes.forEach(System.out::println);
			}
			else if (List.of(args).contains("--http2")) {
				// Only the HTTP/2 rows, printed.
				RestartBenchmark benchmark = new RestartBenchmark(work);
				benchmark.http2();
				benchmark.notes.forEach(System.out::println);
			}
			else if (List.of(args).contains("--comparison")) {
				// Only the runs of the figure: rewrites docs/benchmarks.png and its
				// section.
				new RestartBenchmark(work).comparison(out);
			}
			else if (List.of(args).contains("--soak")) {
				// 100 restarts per server under load, descriptors, threads and RSS after
				// each: its own section of benchmarks.md and soak.png.
				// -Dbench.soak.restarts, -Dbench.soak.minutes (per server) and
				// -Dbench.servers narrow it.
				List<SampleApp.Server> servers = java.util.Arrays
					.stream(System.getProperty("bench.servers", "TOMCAT,JETTY,NETTY").split(","))
					.map((name) -> SampleApp.Server.valueOf(name.trim()))
					.toList();
				new Soak(work, Integer.getInteger("bench.soak.restarts", 100),
						Duration.ofMinutes(Long.getLong("bench.soak.minutes", 60)))
					.run(servers, out);
			}
			else if (List.of(args).contains("--memory-limit")) {
				// The smallest container memory limit for ten restarts under load (root
				// only): its own section of benchmarks.md.
				List<String> notes = new ArrayList<>();
				for (String name : System.getProperty("bench.servers", "TOMCAT").split(",")) {
					new MemoryLimit(work, notes).measure(SampleApp.Server.valueOf(name.trim()),
							Long.getLong("bench.memory.low", 256), Long.getLong("bench.memory.high", 1024));
				}
				notes.forEach(System.out::println);
				Markdown.replaceSection(out.resolve("benchmarks.md"), MemoryLimit.HEADING, MemoryLimit.section(notes));
			}
			else if (List.of(args).contains("--latency")) {
				// Only latency across restarts, printed, with the arguments after
				// --latency given to the restarted app: a quick look after a change to
				// what a restart costs the clients.
				List<String> extra = List.of(args).subList(List.of(args).indexOf("--latency") + 1, args.length);
				new RestartBenchmark(work).latency(extra.toArray(String[]::new));
			}
			else {
				new RestartBenchmark(work).run(out);
			}
		}
		finally {
			try (var walk = Files.walk(work)) {
				walk.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
			}
		}
	}

	private void run(Path out) throws Exception {
		List<Plot.Row> plotted = new ArrayList<>();
		for (SampleApp.Server server : List.of(SampleApp.Server.TOMCAT, SampleApp.Server.JETTY,
				SampleApp.Server.NETTY)) {
			Recording steady = loadWithRestarts(server, 0, "steady");
			Recording cold = loadWithRestarts(server, RESTARTS, "cold", COLD);
			Recording restarts = loadWithRestarts(server, RESTARTS, "warm");
			row(server + ", no restart", steady);
			row(server + ", " + RESTARTS + " graceful restarts, no warm-up, normal boot priority", cold);
			row(server + ", " + RESTARTS + " graceful restarts (defaults: warm-up, boot-nice 10)", restarts);
			if (server != SampleApp.Server.NETTY) {
				plotted.add(new Plot.Row(server.serverName() + ": " + RESTARTS + " graceful restarts (this library)",
						restarts));
			}
		}
		http2();
		plotted.addAll(new Alternatives(this.work, this.notes, this::row).measure());
		startTimes();
		new Overhead(this.work, this.notes, KEEP_ALIVE).measure();
		Files.createDirectories(out);
		writeMarkdown(out.resolve("benchmarks.md"));
		Alternatives.figure(plotted, out);
		RealApplications.shopSection(this.work, out);
	}

	/**
	 * Only the runs of the figure: our restarts against what users do today, Tomcat and
	 * Jetty.
	 */
	private void comparison(Path out) throws Exception {
		List<Plot.Row> plotted = new ArrayList<>();
		for (SampleApp.Server server : List.of(SampleApp.Server.TOMCAT, SampleApp.Server.JETTY)) {
			Recording restarts = loadWithRestarts(server, RESTARTS, "warm");
			row(server + ", " + RESTARTS + " graceful restarts (defaults: warm-up, boot-nice 10)", restarts);
			plotted.add(new Plot.Row(server.serverName() + ": " + RESTARTS + " graceful restarts (this library)",
					restarts));
		}
		plotted.addAll(new Alternatives(this.work, this.notes, this::row).measure());
		Alternatives.figure(plotted, out);
	}

	/** HTTP/2 (h2c) load, steady and across restarts, on both servers. */
	private void http2() throws Exception {
		for (SampleApp.Server server : List.of(SampleApp.Server.TOMCAT, SampleApp.Server.JETTY,
				SampleApp.Server.NETTY)) {
			row(server + ", HTTP/2, no restart", loadWithRestarts(server, 0, "h2-steady", HTTP2, H2C));
			row(server + ", HTTP/2, " + RESTARTS + " graceful restarts (defaults)",
					loadWithRestarts(server, RESTARTS, "h2", HTTP2, H2C));
		}
	}

	static OpenLoad.Outcome outcome(String error) {
		if (error.startsWith("HTTP ")) {
			return OpenLoad.Outcome.NON_2XX;
		}
		if (error.startsWith("connect")) {
			return OpenLoad.Outcome.REFUSED;
		}
		return error.startsWith("no response") ? OpenLoad.Outcome.TIMEOUT : OpenLoad.Outcome.RESET;
	}

	private void latency(String... arguments) throws Exception {
		// -Dbench.servers=NETTY measures one server only.
		for (String name : System.getProperty("bench.servers", "TOMCAT,JETTY,NETTY").split(",")) {
			SampleApp.Server server = SampleApp.Server.valueOf(name.trim());
			row(server + ", no restart", loadWithRestarts(server, 0, "steady"));
			row(server + ", " + RESTARTS + " graceful restarts " + List.of(arguments),
					loadWithRestarts(server, RESTARTS, "warm", arguments));
		}
		this.notes.forEach(System.out::println);
	}

	/** The HTTP/1.1 load on a fresh app, with {@code restarts} restarts evenly spread. */
	private Recording loadWithRestarts(SampleApp.Server server, int restarts, String name, String... arguments)
			throws Exception {
		return loadWithRestarts(server, restarts, name, HTTP1, arguments);
	}

	/** A load on a fresh app, with {@code restarts} restarts evenly spread. */
	Recording loadWithRestarts(SampleApp.Server server, int restarts, String name, Load kind, String... arguments)
			throws Exception {
		Path dir = Files.createDirectories(this.work.resolve(server + "-" + name));
		Recording recording = new Recording();
		try (SampleApp app = SampleApp.start(server, dir, List.of(), arguments)) {
			kind.warmUp(app);
			Recording run = new Recording();
			Running load = kind.start(app, run);
			RssSampler rss = RssSampler.start(app);
			long pid = app.servingPid();
			List<Long> takeovers = new ArrayList<>();
			// Where in a restart the slow requests are: while the new generation boots
			// and warms up, while both accept, and in the second after the old one is
			// gone.
			List<long[]> booting = new ArrayList<>();
			List<long[]> handingOver = new ArrayList<>();
			List<long[]> after = new ArrayList<>();
			for (int i = 1; i <= restarts; i++) {
				sleepUntil(run.start() + RUN.toNanos() * i / (restarts + 1));
				long trigger = System.nanoTime();
				long steadyRss = rss.max();
				SampleApp.signal(pid, "HUP");
				long old = pid;
				pid = await().atMost(SampleApp.STARTUP)
					.pollInterval(Duration.ofMillis(20))
					.until(app::servingPid, (serving) -> serving != old);
				long serving = System.nanoTime();
				app.awaitTakeover(old);
				long gone = System.nanoTime();
				run.window(trigger, gone + TimeUnit.SECONDS.toNanos(1));
				booting.add(new long[] { trigger, serving });
				handingOver.add(new long[] { serving, gone });
				after.add(new long[] { gone, gone + TimeUnit.SECONDS.toNanos(1) });
				takeovers.add(TimeUnit.NANOSECONDS.toMillis(serving - trigger));
				if (i == 1) {
					this.notes.add(String.format("%s (%s) takeover: trigger to new generation serving %d ms, to old"
							+ " generation gone %d ms; RSS of one generation %d MB, both during the restart %d MB",
							server, name, TimeUnit.NANOSECONDS.toMillis(serving - trigger),
							TimeUnit.NANOSECONDS.toMillis(gone - trigger), steadyRss / 1024, rss.max() / 1024));
				}
			}
			load.await();
			rss.stop();
			recording = run;
			if (!takeovers.isEmpty()) {
				this.notes
					.add(server + " (" + name + ") trigger to new generation serving, each restart (ms): " + takeovers);
				this.notes.add(String.format(
						"%s (%s) p99 / max latency ms while the new generation boots %s, while"
								+ " both accept %s, in the second after the old one is gone %s",
						server, name, p99AndMax(run.within(booting)), p99AndMax(run.within(handingOver)),
						p99AndMax(run.within(after))));
			}
		}
		return recording;
	}

	/**
	 * Start times on this JDK, and on JDK 25 where the machine has it: see
	 * {@link StartTimes}.
	 */
	private void startTimes() throws Exception {
		StartTimes startTimes = new StartTimes(this.work, this.notes);
		startTimes.measure("17", System.getProperty("java.home"));
		if (Files.isDirectory(Path.of(JDK25))) {
			startTimes.measure("25", JDK25);
		}
	}

	private static String p99AndMax(Histogram histogram) {
		return String.format("%.1f / %.1f", histogram.getValueAtPercentile(99) / 1000.0,
				histogram.getMaxValue() / 1000.0);
	}

	static long median(List<Long> values) {
		return values.stream().sorted().toList().get(values.size() / 2);
	}

	/**
	 * Run a command to its end, a minute at most (its output goes to a file, so the wait
	 * is bounded).
	 */
	static String run(String... command) throws Exception {
		Path output = Files.createTempFile("bench-command", ".out");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			boolean ended = process.waitFor(60, TimeUnit.SECONDS);
			if (!ended) {
				process.destroyForcibly().waitFor();
			}
			String out = Files.readString(output);
			if (!ended || process.exitValue() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
			}
			return out;
		}
		finally {
			Files.delete(output);
		}
	}

	void row(String scenario, Recording run) {
		Map<OpenLoad.Outcome, Long> outcomes = run.outcomes();
		Histogram all = run.all();
		Histogram windows = run.inWindows();
		this.rows.add(String.format("| %s | %d | %d | %d / %d / %d / %d | %s | %s |", scenario, run.total(),
				outcomes.get(OpenLoad.Outcome.OK), outcomes.get(OpenLoad.Outcome.REFUSED),
				outcomes.get(OpenLoad.Outcome.RESET), outcomes.get(OpenLoad.Outcome.TIMEOUT),
				outcomes.get(OpenLoad.Outcome.NON_2XX), percentiles(all),
				windows.getTotalCount() == 0 ? "-" : percentiles(windows)));
		System.out.println(this.rows.get(this.rows.size() - 1));
	}

	private static String percentiles(Histogram histogram) {
		return String.format("%.1f / %.1f / %.1f / %.1f", histogram.getValueAtPercentile(50) / 1000.0,
				histogram.getValueAtPercentile(99) / 1000.0, histogram.getValueAtPercentile(99.9) / 1000.0,
				histogram.getMaxValue() / 1000.0);
	}

	private void writeMarkdown(Path file) throws IOException {
		// The sections of the runs that take long, written by their own: kept as they
		// are.
		String kept = Markdown.section(file, RealApplications.SHOP_HEADING)
				+ Markdown.section(file, RealApplications.PETCLINIC_HEADING)
				+ Markdown.section(file, MemoryLimit.HEADING) + Markdown.section(file, Soak.HEADING);
		try (PrintStream out = new PrintStream(Files.newOutputStream(file))) {
			out.println("# Benchmarks");
			out.println();
			out.println("Written by `bench/run.sh` on " + LocalDate.now() + ": "
					+ Runtime.getRuntime().availableProcessors() + " cores, JDK " + System.getProperty("java.version")
					+ " (" + System.getProperty("java.vm.vendor")
					+ "), the sample app jars, everything on 127.0.0.1. Re-run it with `bench/run.sh`; the figures below"
					+ " are its output, nothing else.");
			out.println();
			out.println("Load: open model, " + RATE + " requests/s on `GET /hello` for " + RUN.toSeconds() + " s: "
					+ KEEP_ALIVE + " keep-alive connections and one client opening a new connection per request (a"
					+ " tenth of the rate). HTTP/2 rows: h2c with prior knowledge, " + H2_CONNECTIONS
					+ " connections of " + H2_STREAMS + " concurrent streams, "
					+ (RATE / (H2_CONNECTIONS * H2_STREAMS)) * H2_CONNECTIONS * H2_STREAMS
					+ " requests/s in all, by a client that follows RFC 9113 when a server goes away (it retries only a"
					+ " request the server says it did not process; every other error is counted). Latency is counted from"
					+ " each request's intended send time, so a stall shows as latency, not as fewer requests. Restart"
					+ " windows: trigger to one second after the old generation is gone (stop-then-start: stop to one second after serving again; nginx: the switch and"
					+ " five seconds after).");
			out.println();
			out.println(
					"| scenario | requests | ok | refused / reset / timeout / non-2xx | latency ms p50 / p99 / p99.9 / max"
							+ " | in restart windows |");
			out.println("| --- | --- | --- | --- | --- | --- |");
			this.rows.forEach(out::println);
			out.println();
			this.notes.forEach((note) -> out.println("- " + note));
			if (!kept.isEmpty()) {
				out.println();
				out.print(kept);
			}
		}
	}

	static void warmUp(SampleApp app) throws IOException {
		for (int i = 0; i < 200; i++) {
			app.servingPid();
		}
	}

	static void sleepUntil(long nanoTime) {
		java.util.concurrent.locks.LockSupport.parkNanos(nanoTime - System.nanoTime());
	}

}
