package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sums the RSS of every generation of an app every 100 ms, and keeps the highest sum. */
final class RssSampler {

	private static final Pattern NUMBER = Pattern.compile("(\\w+):\\s+(\\d{1,18})( kB)?");

	private final AtomicLong max = new AtomicLong();

	private volatile boolean stopped;

	private RssSampler() {
	}

	static RssSampler start(SampleApp app) {
		RssSampler sampler = new RssSampler();
		Thread thread = new Thread(() -> {
			while (!sampler.stopped) {
				long sum = 0;
				for (long pid : app.pids()) {
					try {
						sum += status(pid).getOrDefault("VmRSS", 0L);
					}
					catch (IOException ex) {
						// Gone meanwhile: it holds nothing.
					}
				}
				sampler.max.accumulateAndGet(sum, Math::max);
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
			}
		}, "bench-rss");
		thread.setDaemon(true);
		thread.start();
		return sampler;
	}

	/** The highest sum so far, in kB. */
	long max() {
		return this.max.get();
	}

	void stop() {
		this.stopped = true;
	}

	/**
	 * The fields of a process's {@code /proc/<pid>/status} that are one number
	 * ({@code Threads}, {@code VmRSS} in kB, ...), read once.
	 */
	static Map<String, Long> status(long pid) throws IOException {
		Map<String, Long> fields = new HashMap<>();
		for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
			Matcher field = NUMBER.matcher(line);
			if (field.matches()) {
				fields.put(field.group(1), Long.parseLong(field.group(2)));
			}
		}
		return fields;
	}

}
