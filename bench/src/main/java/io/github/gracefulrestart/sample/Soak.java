package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * Many restarts in a row under keep-alive, new-connection and HTTP/2 load (h2c), one
 * server at a time: every request must succeed, and what the serving generation holds
 * (descriptors, threads, RSS), sampled a few seconds after each takeover, must stay flat.
 * A leak that one restart hides shows over a hundred. Writes the "Soak" section of
 * docs/benchmarks.md, docs/soak.png and the samples in docs/soak/.
 */
final class Soak {

	/**
	 * Half the benchmark's rate: every kind of connection is there, and the restarts come
	 * faster.
	 */
	private static final int RATE = 200;

	private static final int KEEP_ALIVE = 8;

	private static final int H2_CONNECTIONS = 4;

	private static final int H2_STREAMS = 4;

	private static final int H2_RATE_PER_STREAM = 5;

	/**
	 * After a takeover, before the sample: the new generation's first seconds of serving.
	 */
	private static final Duration SETTLE = Duration.ofSeconds(2);

	static final String HEADING = "## Soak";

	private final Path work;

	private final int restarts;

	private final Duration maxPerServer;

	private final Map<String, List<long[]>> samples = new LinkedHashMap<>();

	Soak(Path work, int restarts, Duration maxPerServer) {
		this.work = work;
		this.restarts = restarts;
		this.maxPerServer = maxPerServer;
	}

	/**
	 * Soak each server in turn. Each server's samples go to {@code out/soak/SERVER.csv}
	 * as soon as it is done, and the section and the figure are drawn from every such
	 * file there: servers soaked by separate runs (in parallel,
	 * {@code -Dbench.servers=JETTY}) end up side by side.
	 */
	void run(List<SampleApp.Server> servers, Path out) throws Exception {
		Path data = Files.createDirectories(out.resolve("soak"));
		for (SampleApp.Server server : servers) {
			String row = soak(server);
			List<String> lines = new ArrayList<>();
			lines.add("# " + row);
			lines.add("restart,descriptors,threads,rss_mb");
			for (long[] sample : this.samples.get(server.toString())) {
				lines.add(sample[0] + "," + sample[1] + "," + sample[2] + "," + sample[3]);
			}
			Files.write(data.resolve(server + ".csv"), lines);
		}
		Map<String, List<long[]>> all = new LinkedHashMap<>();
		List<String> rows = new ArrayList<>();
		for (SampleApp.Server server : SampleApp.Server.values()) {
			Path file = data.resolve(server + ".csv");
			if (Files.exists(file)) {
				List<String> lines = Files.readAllLines(file);
				rows.add(lines.get(0).substring(2));
				all.put(server.toString(), lines.subList(2, lines.size())
					.stream()
					.map((line) -> java.util.Arrays.stream(line.split(",")).mapToLong(Long::parseLong).toArray())
					.toList());
			}
		}
		Plot.series(all, out.resolve("soak.png"),
				"Soak: the serving generation after each of " + this.restarts + " restarts under load",
				List.of("open descriptors", "threads", "RSS, MB"));
		Markdown.replaceSection(out.resolve("benchmarks.md"), HEADING, section(rows));
	}

	/** Soak one server; return its row of the table. */
	private String soak(SampleApp.Server server) throws Exception {
		Path dir = Files.createDirectories(this.work.resolve("soak-" + server));
		List<long[]> series = new ArrayList<>();
		this.samples.put(server.toString(), series);
		try (SampleApp app = SampleApp.start(server, dir, List.of(), "--server.http2.enabled=true")) {
			RestartBenchmark.warmUp(app);
			Duration bound = this.maxPerServer.plus(Duration.ofMinutes(5));
			Recording http1 = new Recording();
			OpenLoad load = OpenLoad.start(app::client, KEEP_ALIVE, RATE, bound, http1);
			Recording http2 = new Recording();
			H2Load h2 = H2Load.start(app.port(), H2_CONNECTIONS, H2_STREAMS, H2_RATE_PER_STREAM, bound,
					(intended, latency, error) -> http2.record(intended, latency,
							(error == null) ? OpenLoad.Outcome.OK : RestartBenchmark.outcome(error)));
			long deadline = System.nanoTime() + this.maxPerServer.toNanos();
			long pid = app.servingPid();
			LockSupport.parkNanos(SETTLE.toNanos());
			series.add(sample(0, pid));
			int done = 0;
			int failed = 0;
			long started = System.nanoTime();
			try {
				while (done < this.restarts && System.nanoTime() < deadline) {
					String status = status(app);
					String before = (status != null) ? SampleApp.json(status, "$.lastRestart.id") : null;
					SampleApp.signal(pid, "HUP");
					long old = pid;
					String failure = await().atMost(SampleApp.STARTUP)
						.pollInterval(Duration.ofMillis(250))
						.until(() -> (app.servingPid() != old) ? "" : failedSince(app, before), (why) -> why != null);
					if (!failure.isEmpty()) {
						// The restart failed and the old generation serves on, as it
						// must: counted, and the next one is tried.
						failed++;
						System.out.println(server + " restart failed: " + failure);
						continue;
					}
					pid = app.awaitTakeover(old);
					done++;
					LockSupport.parkNanos(SETTLE.toNanos());
					long[] sample = sample(done, pid);
					series.add(sample);
					System.out.printf("%s restart %d: pid %d, %d fds, %d threads, %d MB RSS, failed so far %d + %d%n",
							server, done, pid, sample[1], sample[2], sample[3], http1.failures(), http2.failures());
				}
			}
			catch (RuntimeException | Error ex) {
				// The app's directory goes with the run: its log's end says why a restart
				// did not happen.
				String log = app.log();
				System.out.println(log.substring(Math.max(0, log.length() - 20_000)));
				throw ex;
			}
			finally {
				load.stop();
				h2.stop();
			}
			long minutes = TimeUnit.NANOSECONDS.toMinutes(System.nanoTime() - started);
			String row = String.format("| %s | %d in %d min%s | %d / %d | %d / %d | %s | %s | %s |", server, done,
					minutes, (failed == 0) ? "" : " (" + failed + " failed)", http1.total(), http1.failures(),
					http2.total(), http2.failures(), range(series, 1), range(series, 2), range(series, 3));
			System.out.println(row);
			return row;
		}
	}

	/**
	 * Why the serving generation's last restart failed, if it is not the one
	 * {@code before} and it failed (the generation serves on); null while it runs or when
	 * the status cannot be read.
	 */
	private static String failedSince(SampleApp app, String before) {
		String status = status(app);
		String id = (status != null) ? SampleApp.json(status, "$.lastRestart.id") : null;
		String result = (id != null) ? SampleApp.json(status, "$.lastRestart.result") : null;
		boolean failed = "FAILED".equals(result) || "TIMED_OUT".equals(result);
		return (failed && !id.equals(before)) ? result + ": " + SampleApp.json(status, "$.lastRestart.message") : null;
	}

	/**
	 * The serving generation's status, null when it cannot be read (it is handing over).
	 */
	private static String status(SampleApp app) {
		try {
			return app.status();
		}
		catch (IOException | RuntimeException | AssertionError ex) {
			return null;
		}
	}

	/**
	 * First, last, min and max of one column, after the first restart (the first JVM
	 * loads more).
	 */
	private static String range(List<long[]> series, int column) {
		List<long[]> after = series.size() > 1 ? series.subList(1, series.size()) : series;
		long min = after.stream().mapToLong((sample) -> sample[column]).min().orElse(0);
		long max = after.stream().mapToLong((sample) -> sample[column]).max().orElse(0);
		return String.format("%d, %d -> %d (%d..%d)", series.get(0)[column], after.get(0)[column],
				series.get(series.size() - 1)[column], min, max);
	}

	/** Restart number, open descriptors, threads, RSS in MB of the serving generation. */
	private static long[] sample(int restart, long pid) throws IOException {
		long fds;
		try (Stream<Path> entries = Files.list(Path.of("/proc/" + pid + "/fd"))) {
			fds = entries.count();
		}
		Map<String, Long> status = RssSampler.status(pid);
		return new long[] { restart, fds, status.getOrDefault("Threads", 0L), status.getOrDefault("VmRSS", 0L) / 1024 };
	}

	private String section(List<String> rows) {
		StringBuilder text = new StringBuilder();
		text.append(HEADING).append("\n\n");
		text.append("Written by `bench/run.sh --soak` on ")
			.append(LocalDate.now())
			.append(": ")
			.append(Runtime.getRuntime().availableProcessors())
			.append(" cores, JDK ")
			.append(System.getProperty("java.version"))
			.append(". Each server: the sample app with h2c enabled, ")
			.append(this.restarts)
			.append(" restarts by `SIGHUP` one after the other (the next one when the old")
			.append(" generation is gone and the new one has served ")
			.append(SETTLE.toSeconds())
			.append(" s), under ")
			.append(RATE)
			.append(" req/s of HTTP/1.1 (")
			.append(KEEP_ALIVE)
			.append(" keep-alive connections and a new connection for a tenth of the requests) and ")
			.append(H2_CONNECTIONS * H2_STREAMS * H2_RATE_PER_STREAM)
			.append(" req/s of HTTP/2 (")
			.append(H2_CONNECTIONS)
			.append(" connections of ")
			.append(H2_STREAMS)
			.append(" streams). After each takeover the serving generation's open descriptors")
			.append(" (`/proc/<pid>/fd`), threads and RSS are sampled. Columns: the first JVM, the first new")
			.append(" generation -> the last one (min..max over the new generations).\n\n");
		text.append("| server | restarts | HTTP/1.1 requests / failed | HTTP/2 requests / failed | descriptors")
			.append(" | threads | RSS MB |\n");
		text.append("| --- | --- | --- | --- | --- | --- | --- |\n");
		rows.forEach((row) -> text.append(row).append('\n'));
		text.append("\n![Descriptors, threads and RSS of the serving generation after each restart](soak.png)\n");
		return text.toString();
	}

}
