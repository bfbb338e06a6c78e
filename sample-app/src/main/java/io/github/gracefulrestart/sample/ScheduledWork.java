package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Background work, as a real application has (a cleanup, a report): a job every 200 ms that takes
 * about 20 ms. With {@code sample.work-log} set, each run appends {@code pid start end} (epoch
 * milliseconds) to that file, so that one can see that two generations never run it at once.
 */
@Component
class ScheduledWork {

	private final Path log;

	private final String pid = String.valueOf(ProcessHandle.current().pid());

	ScheduledWork(@Value("${sample.work-log:}") String log) {
		this.log = log.isEmpty() ? null : Path.of(log);
	}

	@Scheduled(fixedRate = 200)
	void run() {
		long start = System.currentTimeMillis();
		// The job's own work, long enough for two runs at once to show.
		LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
		long end = System.currentTimeMillis();
		if (this.log != null) {
			try {
				// One write of one short line in append mode: lines of two processes never mix.
				Files.write(this.log, (this.pid + " " + start + " " + end + "\n").getBytes(StandardCharsets.US_ASCII),
						StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

}
