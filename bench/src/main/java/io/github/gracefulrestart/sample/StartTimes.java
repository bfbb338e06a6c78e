package io.github.gracefulrestart.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * How long a takeover takes against a cold start of the same jar, without load, plain and
 * with Spring Boot's efficient deployment: {@code bench/run.sh --start-times}.
 */
final class StartTimes {

	private static final Duration QUIET_GAP = Duration.ofSeconds(10);

	/**
	 * The duration in a warm-up's log line: "Warm-up: 81 request(s) to [...], ... in 390
	 * ms".
	 */
	private static final java.util.regex.Pattern WARMUP_TIME = java.util.regex.Pattern.compile(" in (\\d+) ms");

	private final Path work;

	private final List<String> notes;

	/**
	 * The median cold start of the plain jar, to compare the efficient deployment with.
	 */
	private long plainColdStart = 1;

	/**
	 * Measure in {@code work}, writing each finding to {@code notes}.
	 */
	StartTimes(Path work, List<String> notes) {
		this.work = work;
		this.notes = notes;
	}

	/**
	 * Without load, as restarts come in real life (apart; here 10 s of quiet before
	 * each): a cold start of the jar (process start to serving, the median of three),
	 * then the takeover time of three restarts of the same jar and of one of a new jar.
	 * Each generation runs the user's command line as it is: a CDS archive or AOT cache
	 * the user gives it would be used by each.
	 */
	void measure(String jdk, String javaHome) throws Exception {
		String previous = System.getProperty("sample.java.home", "");
		System.setProperty("sample.java.home", javaHome);
		try {
			Path dir = Files.createDirectories(this.work.resolve("start-" + jdk));
			// One cold start moves by a second or more on this machine: the median of
			// three.
			List<Long> colds = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				long start = System.nanoTime();
				try (SampleApp app = SampleApp.start(SampleApp.Server.TOMCAT,
						Files.createDirectories(dir.resolve("cold-" + i)), List.of())) {
					colds.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
				}
			}
			long cold = RestartBenchmark.median(colds);
			this.plainColdStart = cold;
			try (SampleApp app = SampleApp.start(SampleApp.Server.TOMCAT, dir, List.of())) {
				long[] pid = { app.servingPid() };
				long[] same1 = restart(app, pid);
				long[] same2 = restart(app, pid);
				long[] same3 = restart(app, pid);
				// Deployed just before the restart, as a deploy script does.
				long[] newJar = restart(app, pid, () -> app.deployVersion("2"));
				List<Long> same = List.of(same1[0], same2[0], same3[0]);
				List<Long> warmups = List.of(same1[1], same2[1], same3[1]);
				long median = RestartBenchmark.median(same);
				long medianWithoutWarmup = RestartBenchmark
					.median(List.of(same1[0] - same1[1], same2[0] - same2[1], same3[0] - same3[1]));
				this.notes.add(String
					.format("JDK %s, no load: cold start of the jar %d ms (process start to serving, median of %s);"
							+ " trigger to new generation serving (warm-up included; 10 s of quiet before each restart), same jar %s ms,"
							+ " median %.2fx the cold start (warm-up %s ms of it; without the warm-up %.2fx);"
							+ " a new jar %d ms, %.2fx", jdk, cold, colds, same, median / (double) cold, warmups,
							medianWithoutWarmup / (double) cold, newJar[0], newJar[0] / (double) cold));
			}
			efficientDeployment(jdk, javaHome, dir.resolve("efficient"));
		}
		finally {
			System.setProperty("sample.java.home", previous);
		}
	}

	/**
	 * The same, with Spring Boot's efficient deployment as its documentation gives it,
	 * done at build time: the jar extracted, a training run recording a CDS archive (JDK
	 * 17) or an AOT cache (JDK 24+), the app started with it. Every generation runs that
	 * command line, so each uses the archive; this library adds nothing to it.
	 */
	private void efficientDeployment(String jdk, String javaHome, Path dir) throws Exception {
		Files.createDirectories(dir);
		String java = javaHome + "/bin/java";
		Path extracted = dir.resolve("extracted");
		buildStep(dir, java, "-Djarmode=tools", "-jar", SampleApp.Server.TOMCAT.jar().toAbsolutePath().toString(),
				"extract", "--destination", extracted.toString());
		Files.move(extracted.resolve("lib"), dir.resolve("lib"));
		Files.move(extracted.resolve("sample-app.jar"), dir.resolve("app.jar"));
		boolean aotCache = Runtime.Version
			.parse(RestartBenchmark.run(java, "-XshowSettings:properties", "-version")
				.lines()
				.filter((line) -> line.trim().startsWith("java.specification.version"))
				.map((line) -> line.substring(line.indexOf('=') + 1).trim())
				.findFirst()
				.orElse("17"))
			.feature() >= 24;
		Path archive = dir.resolve(aotCache ? "app.aot" : "app.jsa");
		buildStep(dir, java, (aotCache ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + archive,
				"-Dspring.context.exit=onRefresh", "-jar", dir.resolve("app.jar").toString(), "--server.port=0",
				"--management.server.port=0");
		List<String> options = List.of((aotCache ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive);
		List<Long> colds = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			// Each run from the same directory, with the extracted layout: a log of its
			// own to read the ports from.
			Files.deleteIfExists(dir.resolve("app.log"));
			long start = System.nanoTime();
			try (SampleApp app = SampleApp.start(SampleApp.Server.TOMCAT, dir, options)) {
				colds.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
			}
		}
		long cold = RestartBenchmark.median(colds);
		Files.deleteIfExists(dir.resolve("app.log"));
		try (SampleApp app = SampleApp.start(SampleApp.Server.TOMCAT, dir, options)) {
			long[] pid = { app.servingPid() };
			List<Long> same = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				same.add(restart(app, pid)[0]);
			}
			this.notes.add(String.format("JDK %s, no load, Spring Boot's efficient deployment (extracted jar, %s from a"
					+ " training run at build time): cold start %d ms (median of %s); trigger to new generation serving,"
					+ " same jar %s ms, median %.2fx that cold start, %.2fx the cold start of the plain jar above", jdk,
					aotCache ? "AOT cache" : "CDS archive", cold, colds, same,
					RestartBenchmark.median(same) / (double) cold,
					RestartBenchmark.median(same) / (double) this.plainColdStart));
		}
	}

	private static void buildStep(Path dir, String... command) throws Exception {
		Process process = new ProcessBuilder(command).directory(dir.toFile())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("build-steps.log").toFile()))
			.start();
		try {
			if (!process.waitFor(3, TimeUnit.MINUTES) || process.exitValue() != 0) {
				throw new IllegalStateException(
						String.join(" ", command) + " failed, see " + dir.resolve("build-steps.log"));
			}
		}
		finally {
			process.destroyForcibly();
		}
	}

	/**
	 * One restart, without load, after a quiet gap (restarts come minutes apart, not
	 * while the last generation still compiles its hot code): trigger to new generation
	 * serving, and the new generation's warm-up (as it logged it), in ms, once the old
	 * one is gone.
	 */
	private static long[] restart(SampleApp app, long[] pid) throws Exception {
		return restart(app, pid, () -> {
		});
	}

	private static long[] restart(SampleApp app, long[] pid, Deploy deploy) throws Exception {
		Thread.sleep(QUIET_GAP.toMillis());
		deploy.run();
		long trigger = System.nanoTime();
		SampleApp.signal(pid[0], "HUP");
		long old = pid[0];
		pid[0] = await().atMost(SampleApp.STARTUP)
			.pollInterval(Duration.ofMillis(20))
			.until(app::servingPid, (serving) -> serving != old);
		long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - trigger);
		app.awaitTakeover(old);
		String pidTag = " " + pid[0] + " --- ";
		long warmup = app.log()
			.lines()
			.filter((line) -> line.contains(pidTag) && line.contains("Warm-up: "))
			.map((line) -> WARMUP_TIME.matcher(line))
			.filter(java.util.regex.Matcher::find)
			.mapToLong((matcher) -> Long.parseLong(matcher.group(1)))
			.reduce((first, last) -> last)
			.orElse(0);
		return new long[] { took, warmup };
	}

	/** What happens right before a restart's trigger. */
	private interface Deploy {

		void run() throws java.io.IOException;

	}

}
