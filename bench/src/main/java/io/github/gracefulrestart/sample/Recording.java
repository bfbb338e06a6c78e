package io.github.gracefulrestart.sample;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * Every request of a run (intended send time, latency, outcome) and the restart windows,
 * with the figures drawn from them.
 */
final class Recording {

	private final long start = System.nanoTime();

	private final ConcurrentLinkedQueue<long[]> requests = new ConcurrentLinkedQueue<>();

	private final List<long[]> windows = new ArrayList<>();

	long start() {
		return this.start;
	}

	void record(long intended, long latencyNanos, OpenLoad.Outcome outcome) {
		this.requests.add(new long[] { intended - this.start, latencyNanos, outcome.ordinal() });
	}

	/** A restart from its trigger to its end, in {@link System#nanoTime()}. */
	synchronized void window(long from, long to) {
		this.windows.add(new long[] { from - this.start, to - this.start });
	}

	synchronized List<long[]> windows() {
		return List.copyOf(this.windows);
	}

	Map<OpenLoad.Outcome, Long> outcomes() {
		Map<OpenLoad.Outcome, Long> counts = new EnumMap<>(OpenLoad.Outcome.class);
		for (OpenLoad.Outcome outcome : OpenLoad.Outcome.values()) {
			counts.put(outcome, 0L);
		}
		for (long[] request : this.requests) {
			counts.merge(OpenLoad.Outcome.values()[(int) request[2]], 1L, Long::sum);
		}
		return counts;
	}

	long total() {
		return this.requests.size();
	}

	long failures() {
		return this.requests.stream().filter((request) -> request[2] != OpenLoad.Outcome.OK.ordinal()).count();
	}

	/** Latencies of all successful requests, in microseconds. */
	Histogram all() {
		return histogram(null);
	}

	/** Latencies of the successful requests sent during a restart window. */
	Histogram inWindows() {
		return histogram(windows());
	}

	/**
	 * Latencies of the successful requests sent within {@code spans}.
	 * @param spans from and to, in {@link System#nanoTime()}
	 */
	Histogram within(List<long[]> spans) {
		return histogram(
				spans.stream().map((span) -> new long[] { span[0] - this.start, span[1] - this.start }).toList());
	}

	private Histogram histogram(List<long[]> spans) {
		Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(2), 3);
		for (long[] request : this.requests) {
			if (request[2] == OpenLoad.Outcome.OK.ordinal() && (spans == null || inside(spans, request[0]))) {
				histogram.recordValue(
						Math.min(TimeUnit.NANOSECONDS.toMicros(request[1]), histogram.getHighestTrackableValue()));
			}
		}
		return histogram;
	}

	private static boolean inside(List<long[]> windows, long at) {
		return windows.stream().anyMatch((window) -> at >= window[0] && at <= window[1]);
	}

	/**
	 * Per second: successful requests, their p99 latency in milliseconds, and failed
	 * requests.
	 */
	List<double[]> perSecond() {
		List<Histogram> seconds = new ArrayList<>();
		List<long[]> failed = new ArrayList<>();
		for (long[] request : this.requests) {
			int second = (int) TimeUnit.NANOSECONDS.toSeconds(request[0]);
			while (seconds.size() <= second) {
				seconds.add(new Histogram(TimeUnit.MINUTES.toMicros(2), 2));
				failed.add(new long[1]);
			}
			if (request[2] == OpenLoad.Outcome.OK.ordinal()) {
				seconds.get(second)
					.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(request[1]),
							seconds.get(second).getHighestTrackableValue()));
			}
			else {
				failed.get(second)[0]++;
			}
		}
		List<double[]> series = new ArrayList<>();
		for (int second = 0; second < seconds.size(); second++) {
			Histogram ok = seconds.get(second);
			series
				.add(new double[] { ok.getTotalCount(), ok.getValueAtPercentile(99) / 1000.0, failed.get(second)[0] });
		}
		return series;
	}

	/**
	 * The longest time in which no request was answered successfully (between two
	 * successful answers, by the time each ended): a few milliseconds under steady load,
	 * the whole outage when the service is down.
	 */
	long longestGapMillis() {
		long[] ends = this.requests.stream()
			.filter((request) -> request[2] == OpenLoad.Outcome.OK.ordinal())
			.mapToLong((request) -> request[0] + request[1])
			.sorted()
			.toArray();
		long gap = 0;
		for (int i = 1; i < ends.length; i++) {
			gap = Math.max(gap, ends[i] - ends[i - 1]);
		}
		return TimeUnit.NANOSECONDS.toMillis(gap);
	}

}
