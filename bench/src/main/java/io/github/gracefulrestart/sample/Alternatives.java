package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import static io.github.gracefulrestart.sample.RestartBenchmark.KEEP_ALIVE;
import static io.github.gracefulrestart.sample.RestartBenchmark.RATE;
import static io.github.gracefulrestart.sample.RestartBenchmark.RUN;
import static io.github.gracefulrestart.sample.RestartBenchmark.sleepUntil;
import static io.github.gracefulrestart.sample.RestartBenchmark.warmUp;
import static org.awaitility.Awaitility.await;

/**
 * What users do today instead of our restarts, under the benchmark's load:
 * stop-then-start of the same jar ({@code systemctl restart}) on Tomcat and Jetty, and
 * two instances behind nginx switched by {@code nginx -s reload} (when nginx is
 * installed). And the figure that sets our restarts against them, docs/benchmarks.png
 * with its section.
 */
final class Alternatives {

	static final String FIGURE = "## The figure";

	private final Path work;

	private final List<String> notes;

	private final BiConsumer<String, Recording> row;

	/**
	 * @param work where the apps run
	 * @param notes where the measurements in words go
	 * @param row adds a row to the benchmark's table
	 */
	Alternatives(Path work, List<String> notes, BiConsumer<String, Recording> row) {
		this.work = work;
		this.notes = notes;
		this.row = row;
	}

	/** Stop-then-start on both servers, and nginx switching between two instances. */
	List<Plot.Row> measure() throws Exception {
		List<Plot.Row> plotted = new ArrayList<>();
		for (SampleApp.Server server : List.of(SampleApp.Server.TOMCAT, SampleApp.Server.JETTY)) {
			Recording stopStart = stopThenStart(server);
			this.row.accept(server + ", stop then start (systemctl restart)", stopStart);
			plotted.add(new Plot.Row(server.serverName() + ": stop, then start (systemctl restart)", stopStart));
		}
		Recording nginx = nginxBlueGreen();
		if (nginx != null) {
			plotted.add(new Plot.Row("Tomcat x2 behind nginx, switched by nginx -s reload (blue/green)", nginx));
		}
		return plotted;
	}

	/**
	 * docs/benchmarks.png and the section that shows it, with the rows of the runs it
	 * draws.
	 */
	static void figure(List<Plot.Row> plotted, Path out) throws IOException {
		Files.createDirectories(out);
		Plot.comparison(plotted, out.resolve("benchmarks.png"),
				"Restarting under " + RATE + " req/s: this library" + " against what users do today");
		StringBuilder text = new StringBuilder(FIGURE + "\n\n");
		text.append("Drawn by `bench/run.sh` (or `bench/run.sh --comparison`, which runs only these) on ")
			.append(LocalDate.now())
			.append(", the load above. Each row is one run of ")
			.append(RUN.toSeconds())
			.append(" s; the right-hand figure is the longest time in which no request was answered.\n\n");
		text.append("| run | requests | failed | longest without an answer, ms |\n| --- | --- | --- | --- |\n");
		for (Plot.Row row : plotted) {
			text.append(String.format("| %s | %d | %d | %d |%n", row.name(), row.run().total(), row.run().failures(),
					row.run().longestGapMillis()));
		}
		text.append(
				"\n![Our restarts against stop-then-start and nginx blue/green, Tomcat and Jetty](benchmarks.png)\n");
		Markdown.replaceSection(out.resolve("benchmarks.md"), FIGURE, text.toString());
	}

	/**
	 * What {@code systemctl restart} does: SIGTERM, wait for the exit, start the jar
	 * again.
	 */
	private Recording stopThenStart(SampleApp.Server server) throws Exception {
		Path dir = Files.createDirectories(this.work.resolve("stop-start-" + server));
		int port = SampleApp.freeLoopbackPort();
		Recording run = new Recording();
		SampleApp app = SampleApp.start(server, dir, List.of(), "--server.port=" + port);
		try {
			warmUp(app);
			OpenLoad load = OpenLoad.start(() -> new RawHttp("127.0.0.1", port, null), KEEP_ALIVE, RATE, RUN, run);
			sleepUntil(run.start() + RUN.toNanos() / 3);
			long stop = System.nanoTime();
			SampleApp.signal(app.servingPid(), "TERM");
			await().atMost(SampleApp.STARTUP).until(() -> app.pids().isEmpty());
			long stopped = System.nanoTime();
			// Its own directory, so that its log (where the harness reads the port)
			// starts empty.
			SampleApp next = SampleApp.start(server, Files.createDirectories(dir.resolve("next")), List.of(),
					"--server.port=" + port);
			long serving = System.nanoTime();
			run.window(stop, serving + TimeUnit.SECONDS.toNanos(1));
			this.notes.add(String.format(
					"%s, stop then start: %d ms to stop, then %d ms without a listening socket:"
							+ " the cold start of the jar under this load, process start to serving",
					server, TimeUnit.NANOSECONDS.toMillis(stopped - stop),
					TimeUnit.NANOSECONDS.toMillis(serving - stopped)));
			load.await();
			next.close();
		}
		finally {
			app.close();
		}
		return run;
	}

	/**
	 * Two instances behind nginx, switched from one to the other by
	 * {@code nginx -s reload}.
	 */
	private Recording nginxBlueGreen() throws Exception {
		if (new ProcessBuilder("sh", "-c", "command -v nginx").start().onExit().get().exitValue() != 0) {
			this.notes
				.add("nginx is not installed: no blue/green comparison (bench/run.sh installs it when run as root)");
			return null;
		}
		Path dir = Files.createDirectories(this.work.resolve("nginx"));
		int proxyPort = SampleApp.freeLoopbackPort();
		try (SampleApp blue = SampleApp.start(SampleApp.Server.TOMCAT, Files.createDirectories(dir.resolve("blue")),
				List.of());
				SampleApp green = SampleApp.start(SampleApp.Server.TOMCAT,
						Files.createDirectories(dir.resolve("green")), List.of())) {
			Nginx nginx = Nginx.start(dir, proxyPort, blue.port());
			try {
				warmUp(blue);
				warmUp(green);
				Recording run = new Recording();
				OpenLoad load = OpenLoad.start(() -> new RawHttp("127.0.0.1", proxyPort, null), KEEP_ALIVE, RATE, RUN,
						run);
				sleepUntil(run.start() + RUN.toNanos() / 2);
				long switchAt = System.nanoTime();
				nginx.switchTo(green.port());
				SampleApp.signal(blue.servingPid(), "TERM");
				run.window(switchAt, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
				load.await();
				this.row.accept("TOMCAT x2 behind nginx, switched by nginx -s reload", run);
				return run;
			}
			finally {
				nginx.stop();
			}
		}
	}

}
