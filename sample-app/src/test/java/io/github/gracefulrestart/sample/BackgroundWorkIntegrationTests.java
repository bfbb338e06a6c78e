package io.github.gracefulrestart.sample;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Background work across restarts: the sample's {@code @Scheduled(fixedRate = 200)} job, through
 * ten restarts under load, each with an upload held in flight so that the old generation still
 * drains while the new one serves. The job's runs, logged by every generation to one file, never
 * overlap between two generations, and the job pauses well under a second at each handover.
 */
class BackgroundWorkIntegrationTests {

	@TempDir
	Path workDir;

	@Test
	void aScheduledJobRunsInOneGenerationAtATimeAndHandsOverWithinASecond() throws Exception {
		Path work = this.workDir.resolve("work.log");
		try (SampleApp app = SampleApp.start(this.workDir, "--sample.work-log=" + work);
				HttpLoad load = HttpLoad.start(app.port(), 8, 10, Duration.ofMinutes(15))) {
			long pid = app.servingPid();
			for (int restart = 1; restart <= 10; restart++) {
				long old = pid;
				try (RawHttp upload = app.client()) {
					// Held half-sent: the old generation drains until it ends, after the takeover.
					OutputStream out = upload.open();
					out.write(("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
							+ "Content-Length: 2\r\n\r\nx").getBytes(StandardCharsets.US_ASCII));
					out.flush();
					SampleApp.signal(old, "HUP");
					long next = await("a new generation to answer").atMost(SampleApp.STARTUP)
						.until(app::servingPid, (serving) -> serving != old);
					await("the new generation to run the job while the old one drains").atMost(Duration.ofSeconds(30))
						.until(() -> runs(work).stream().filter((run) -> run.pid() == next).count() >= 3);
					assertThat(SampleApp.isAlive(old)).as("generation %d still drains", old).isTrue();
					out.write('y');
					out.flush();
					RawHttp.Response uploaded = upload.readResponse();
					assertThat(uploaded.status()).isEqualTo(200);
					assertThat(uploaded.body()).contains("pid " + old);
				}
				pid = app.awaitTakeover(old);
			}
			load.stop();
			assertThat(load.failures()).as("%s", load).isZero();
		}
		List<Run> runs = runs(work);
		assertThat(runs.stream().map(Run::pid).distinct()).hasSize(11);
		List<Long> handovers = new ArrayList<>();
		List<String> switches = new ArrayList<>();
		for (int i = 1; i < runs.size(); i++) {
			Run before = runs.get(i - 1);
			Run run = runs.get(i);
			assertThat(run.start()).as("%s starts before %s ended", run, before)
				.isGreaterThanOrEqualTo((run.pid() != before.pid()) ? before.end() : Long.MIN_VALUE);
			if (run.pid() != before.pid()) {
				handovers.add(run.start() - before.end());
				switches.add(runs.subList(Math.max(0, i - 3), Math.min(runs.size(), i + 3)).toString());
			}
		}
		System.out.println("Background work: pauses at the handovers (ms): " + handovers);
		assertThat(handovers).as("one handover per restart, each one way: %s", switches)
			.hasSize(10)
			.allMatch((pause) -> pause < 1000);
	}

	private static List<Run> runs(Path log) throws java.io.IOException {
		if (!Files.exists(log)) {
			return List.of();
		}
		return Files.readAllLines(log)
			.stream()
			.map((line) -> line.split(" "))
			.filter((fields) -> fields.length == 3)
			.map((fields) -> new Run(Long.parseLong(fields[0]), Long.parseLong(fields[1]), Long.parseLong(fields[2])))
			.sorted(Comparator.comparingLong(Run::start))
			.toList();
	}

	record Run(long pid, long start, long end) {
	}

}
