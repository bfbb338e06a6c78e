package io.github.gracefulrestart.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The smallest memory limit a container of the sample app survives ten restarts under
 * load with: the app as docs/docker/Dockerfile runs it (PID 1 of its own pid namespace,
 * so its supervisor and two generations during a restart) in a memory cgroup, as
 * {@code docker run --memory} makes one; the JVMs size their heaps from that limit as
 * they would in a container. A limit passes when all ten restarts happen, no request
 * fails and the kernel OOM-killed nothing. Bisected in steps of {@value #STEP_MB} MB.
 */
final class MemoryLimit {

	static final String HEADING = "## Container memory limit";

	private static final int STEP_MB = 64;

	private static final int RESTARTS = 10;

	private static final int RATE = 400;

	private static final int KEEP_ALIVE = 16;

	private final Path work;

	private final List<String> notes;

	MemoryLimit(Path work, List<String> notes) {
		this.work = work;
		this.notes = notes;
	}

	/**
	 * Bisect between a limit that is assumed to fail and one that must pass.
	 * @return the smallest passing limit in MB, or empty when no cgroup could be made or
	 * even {@code highMb} failed
	 */
	Optional<Long> measure(SampleApp.Server server, long lowMb, long highMb) throws Exception {
		if (!trial(server, highMb)) {
			return Optional.empty();
		}
		long low = lowMb;
		long high = highMb;
		while (high - low > STEP_MB) {
			long mid = (low + high) / 2 / STEP_MB * STEP_MB;
			if (trial(server, mid)) {
				high = mid;
			}
			else {
				low = mid;
			}
		}
		this.notes.add(String.format("%s: the smallest memory limit (in steps of %d MB) for %d restarts under load"
				+ " as PID 1 of a container: %d MB", server, STEP_MB, RESTARTS, high));
		return Optional.of(high);
	}

	/** The section of benchmarks.md: how the limit was measured, and each trial. */
	static String section(List<String> notes) {
		StringBuilder text = new StringBuilder(HEADING + "\n\n");
		text.append("`bench/run.sh --memory-limit` (root; `-Dbench.servers`, `-Dbench.memory.low` and")
			.append(" `-Dbench.memory.high` narrow it), run on ")
			.append(java.time.LocalDate.now())
			.append(", runs the sample as docs/docker/Dockerfile does, PID 1 of its own pid namespace with its")
			.append(" supervisor, in a memory cgroup (as `docker run --memory` makes one), and bisects in steps of ")
			.append(STEP_MB)
			.append(" MB the smallest limit under which ")
			.append(RESTARTS)
			.append(" restarts under ")
			.append(RATE)
			.append(" req/s pass with no failed request and no OOM kill. The bisection's lower bound is")
			.append(" assumed to fail and is not tried. The peak is the cgroup's (resident memory and page cache);")
			.append(" each JVM sizes its heap from the limit (a quarter of it by default).\n\n");
		notes.forEach((note) -> text.append("- ").append(note).append('\n'));
		return text.toString();
	}

	/**
	 * The generation in the endpoint's JSON (JsonPath is a test library of the sample,
	 * not here).
	 */
	private static long generation(String status) {
		java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\"generation\":(\\d+)").matcher(status);
		return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
	}

	private boolean trial(SampleApp.Server server, long limitMb) throws Exception {
		Optional<MemoryCgroup> limited = MemoryCgroup.create(limitMb);
		if (limited.isEmpty()) {
			throw new IllegalStateException(
					"Could not make a memory cgroup: run as root on Linux with the memory controller");
		}
		Path dir = Files.createDirectories(this.work.resolve("limit-" + server + "-" + limitMb + "/app"));
		List<String> launcher = new ArrayList<>(limited.get().launcher());
		launcher.addAll(List.of("unshare", "--pid", "--fork", "--mount-proc"));
		long started = System.nanoTime();
		int done = 0;
		String failure = null;
		Recording run = new Recording();
		try (MemoryCgroup cgroup = limited.get()) {
			try (SampleApp app = SampleApp.start(server, dir, launcher, Map.of(), List.of())) {
				long supervisor = await().atMost(Duration.ofSeconds(30))
					.until(() -> ProcessHandle.of(app.firstPid()).flatMap((unshare) -> unshare.children().findFirst()),
							Optional::isPresent)
					.get()
					.pid();
				RestartBenchmark.warmUp(app);
				OpenLoad load = OpenLoad.start(app::client, KEEP_ALIVE, RATE, Duration.ofMinutes(30), run);
				try {
					for (int generation = 2; generation <= RESTARTS + 1 && cgroup.oomKills() == 0; generation++) {
						SampleApp.signal(supervisor, "HUP");
						int next = generation;
						await().atMost(SampleApp.STARTUP)
							.pollInterval(Duration.ofMillis(200))
							.ignoreExceptions()
							.until(app::status, (json) -> generation(json) == next && !json.contains("\"parentPid\""));
						done++;
					}
				}
				finally {
					load.stop();
				}
			}
			catch (RuntimeException | Error ex) {
				failure = ex.getClass().getSimpleName() + ": " + ex.getMessage();
			}
			long oomKills = cgroup.oomKills();
			boolean passed = failure == null && oomKills == 0 && done == RESTARTS && run.failures() == 0;
			String line = String.format(
					"%s under a %d MB limit: %s; %d of %d restarts, %d of %d requests failed,"
							+ " %d OOM kill(s), peak %d MB, %d s%s",
					server, limitMb, passed ? "passed" : "failed", done, RESTARTS, run.failures(), run.total(),
					oomKills, cgroup.peakMb(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
					(failure == null) ? "" : " (" + failure.lines().findFirst().orElse("") + ")");
			System.out.println(line);
			this.notes.add(line);
			return passed;
		}
	}

}
