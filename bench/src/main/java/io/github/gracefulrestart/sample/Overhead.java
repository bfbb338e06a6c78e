package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;

/**
 * The starter's steady-state cost: closed-loop throughput of the sample app with graceful
 * restarts off and on, in alternating rounds.
 */
final class Overhead {

	private final Path work;

	private final List<String> notes;

	private final int connections;

	Overhead(Path work, List<String> notes, int connections) {
		this.work = work;
		this.notes = notes;
		this.connections = connections;
	}

	/**
	 * Steady throughput, closed loop, with the starter on and off, in three alternating
	 * pairs of rounds (one pair moves by 10% on this machine): with wrk where it is
	 * installed, a client that runs outside this JVM and takes little of the CPU, else
	 * with a client in this JVM, whose own JIT is colder in the first round than in the
	 * later ones.
	 */
	void measure() throws Exception {
		boolean wrk = Files.isExecutable(Path.of("/usr/bin/wrk"));
		Map<Boolean, List<Long>> throughput = new HashMap<>();
		int round = 0;
		for (int pair = 0; pair < 3; pair++) {
			for (boolean enabled : new boolean[] { false, true }) {
				round++;
				Path dir = Files.createDirectories(this.work.resolve("overhead-" + round));
				try (SampleApp app = SampleApp.start(SampleApp.Server.TOMCAT, dir, List.of(),
						"--graceful-restart.enabled=" + enabled)) {
					RestartBenchmark.warmUp(app);
					// 5 s of the same load to warm the JIT, then 15 s measured.
					long[] measured = wrk ? wrk(app) : closedLoop(app);
					throughput.computeIfAbsent(enabled, (key) -> new ArrayList<>()).add(measured[0]);
					this.notes.add(String.format(
							"Closed loop (%s), round %d, %d connections, 15 s after 5 s warm-up, "
									+ "graceful-restart.enabled=%s: %d req/s, p50 %.2f ms, p99 %.2f ms",
							wrk ? "wrk" : "client in the benchmark's JVM", round, this.connections, enabled,
							measured[0], measured[1] / 1000.0, measured[2] / 1000.0));
				}
			}
		}
		long on = RestartBenchmark.median(throughput.get(true));
		long off = RestartBenchmark.median(throughput.get(false));
		this.notes.add(String.format("Steady throughput with the starter against without it (medians of three rounds"
				+ " each, %d against %d req/s): %.2fx", on, off, on / (double) off));
	}

	/**
	 * @return requests per second, p50 and p99 latency in microseconds
	 */
	private long[] wrk(SampleApp app) throws Exception {
		String url = "http://127.0.0.1:" + app.port() + "/hello";
		RestartBenchmark.run("wrk", "-t2", "-c" + this.connections, "-d5s", url);
		String out = RestartBenchmark.run("wrk", "-t2", "-c" + this.connections, "-d15s", "--latency", url);
		java.util.regex.Matcher rate = java.util.regex.Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
		if (!rate.find()) {
			throw new IllegalStateException("No rate in wrk's output: " + out);
		}
		return new long[] { (long) Double.parseDouble(rate.group(1)), wrkPercentile(out, "50%"),
				wrkPercentile(out, "99%") };
	}

	private static long wrkPercentile(String out, String percentile) {
		java.util.regex.Matcher matcher = java.util.regex.Pattern
			.compile("\\s" + percentile + "\\s+([0-9.]+)(us|ms|s)\\b")
			.matcher(out);
		if (!matcher.find()) {
			throw new IllegalStateException("No " + percentile + " in wrk's output: " + out);
		}
		double value = Double.parseDouble(matcher.group(1));
		return (long) switch (matcher.group(2)) {
			case "us" -> value;
			case "ms" -> value * 1000;
			default -> value * 1_000_000;
		};
	}

	/**
	 * @return requests per second, p50 and p99 latency in microseconds
	 */
	private long[] closedLoop(SampleApp app) throws Exception {
		AtomicLong count = new AtomicLong();
		Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
		long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		long end = measureFrom + TimeUnit.SECONDS.toNanos(15);
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < this.connections; i++) {
			Thread thread = new Thread(() -> {
				try (RawHttp http = app.client()) {
					while (System.nanoTime() < end) {
						long start = System.nanoTime();
						http.get("/hello");
						if (start >= measureFrom) {
							synchronized (latency) {
								latency.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start));
							}
							count.incrementAndGet();
						}
					}
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		return new long[] { count.get() / 15, latency.getValueAtPercentile(50), latency.getValueAtPercentile(99) };
	}

}
