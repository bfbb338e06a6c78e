package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/**
 * Applications shaped like the ones users restart, under a load of their own pages and
 * forms: the shop (sample-app/shop: JPA on a database server, Thymeleaf pages, a form
 * POST, a JMS listener, a scheduled job) and Spring PetClinic built with the starter. The
 * runs go through {@link RestartBenchmark}'s, and into its rows and notes.
 */
final class RealApplications {

	static final String SHOP_HEADING = "## A realistic application: the shop";

	/**
	 * The section copied by hand from {@code --petclinic}'s output, kept by a full run.
	 */
	static final String PETCLINIC_HEADING = "## Spring PetClinic";

	/**
	 * The shop's rates: one that leaves the machine headroom, one beyond what it serves.
	 */
	private static final String SHOP_RATES = "60,1000";

	/** The requests of the load each app is warmed up with before a measured run. */
	private static final int WARM_UP = 2000;

	private final RestartBenchmark benchmark;

	private final Path work;

	RealApplications(RestartBenchmark benchmark, Path work) {
		this.benchmark = benchmark;
		this.work = work;
	}

	/** Run {@link #shop()} and write its section of benchmarks.md in {@code out}. */
	static void shopSection(Path work, Path out) throws Exception {
		RestartBenchmark shop = new RestartBenchmark(work);
		new RealApplications(shop, work).shop();
		shop.notes.forEach(System.out::println);
		StringBuilder section = new StringBuilder(SHOP_HEADING + "\n\n");
		section.append("Written by `bench/run.sh --shop` on ")
			.append(LocalDate.now())
			.append(": the shop ")
			.append("(`sample-app/shop`: JPA on an H2 server, Thymeleaf pages, a form POST, a JMS listener on an ")
			.append("Artemis broker, a job every 200 ms; the database and broker in the benchmark's JVM), with the ")
			.append("defaults (no warm-up path configured). Load: open model, ")
			.append(RestartBenchmark.KEEP_ALIVE)
			.append(" keep-alive connections and one opening a connection per request; of each client's requests one")
			.append(" in ten POSTs the order form, the others GET the latest orders, the last order placed and the form.")
			.append(" Each app is warmed up by 2,000 such requests first. The first rate leaves the machine headroom,")
			.append(" the second is more than it serves (latency there is queueing; what counts is that nothing fails")
			.append(" and that the new generations get ready).\n\n");
		section.append(
				"| scenario | requests | ok | refused / reset / timeout / non-2xx | latency ms p50 / p99 / p99.9 / max")
			.append(" | in restart windows |\n| --- | --- | --- | --- | --- | --- |\n");
		shop.rows.forEach((row) -> section.append(row).append('\n'));
		section.append('\n');
		shop.notes.forEach((note) -> section.append("- ").append(note).append('\n'));
		Files.createDirectories(out);
		Markdown.replaceSection(out.resolve("benchmarks.md"), SHOP_HEADING, section.toString());
	}

	/**
	 * The shop under a load of its own pages and forms ({@link Shopper}), at a rate that
	 * leaves the machine headroom and at one it cannot serve, with its database and
	 * broker ({@link ShopBackends}) in this JVM; first a quiet cold start and restart.
	 * -Dbench.shop.rates changes the rates.
	 */
	void shop() throws Exception {
		quietShop();
		for (String rate : System.getProperty("bench.shop.rates", SHOP_RATES).split(",")) {
			int perSecond = Integer.parseInt(rate.trim());
			Path dir = Files.createDirectories(this.work.resolve("shop-backends-" + perSecond));
			try (ShopBackends backends = ShopBackends.start(dir)) {
				String[] arguments = backends.arguments().toArray(String[]::new);
				measure(SampleApp.Server.SHOP, new PagesAndForms(Shopper::new, perSecond), "shop-" + perSecond,
						arguments);
			}
		}
	}

	/**
	 * Spring PetClinic (H2, its own data), built with the starter, with Actuator on a
	 * loopback port of its own and {@code db} in its readiness group, at a moderate rate.
	 */
	void petClinic() throws Exception {
		measure(SampleApp.Server.PETCLINIC, new PagesAndForms(PetClinicLoad::new, 60), "petclinic",
				"--management.server.address=127.0.0.1",
				"--management.endpoint.health.group.readiness.include=readinessState,db");
	}

	/** A run with no restart, then one with {@link RestartBenchmark#RESTARTS}. */
	private void measure(SampleApp.Server server, PagesAndForms load, String name, String... arguments)
			throws Exception {
		String scenario = server + ", " + load.rate() + " requests/s, ";
		this.benchmark.row(scenario + "no restart",
				this.benchmark.loadWithRestarts(server, 0, name + "-steady", load, arguments));
		this.benchmark.row(scenario + RestartBenchmark.RESTARTS + " graceful restarts (defaults)",
				this.benchmark.loadWithRestarts(server, RestartBenchmark.RESTARTS, name, load, arguments));
	}

	/**
	 * The shop with no load: a cold start, and a restart from the trigger to the new
	 * generation serving.
	 */
	private void quietShop() throws Exception {
		Path dir = Files.createDirectories(this.work.resolve("shop-quiet"));
		try (ShopBackends backends = ShopBackends.start(dir)) {
			long start = System.nanoTime();
			try (SampleApp app = SampleApp.start(SampleApp.Server.SHOP, dir, List.of(),
					backends.arguments().toArray(String[]::new))) {
				long old = app.servingPid();
				long cold = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
				long trigger = System.nanoTime();
				SampleApp.signal(old, "HUP");
				await().atMost(SampleApp.STARTUP)
					.pollInterval(Duration.ofMillis(20))
					.until(app::servingPid, (serving) -> serving != old);
				long takeover = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - trigger);
				app.awaitTakeover(old);
				this.benchmark.notes
					.add(String.format("SHOP, no load: a cold start to serving %d ms; trigger to the new generation"
							+ " serving %d ms (%.2fx)", cold, takeover, takeover / (double) cold));
			}
		}
	}

	/**
	 * An application's pages and forms at {@code rate} requests/s, each client with the
	 * requests of a new {@code steps}; warmed up by {@link #WARM_UP} of them on one
	 * connection first.
	 */
	private record PagesAndForms(Supplier<HttpLoad.Step> steps, int rate) implements RestartBenchmark.Load {

		@Override
		public RestartBenchmark.Running start(SampleApp app, Recording run) {
			return OpenLoad.start(app::client, this.steps.get(), RestartBenchmark.KEEP_ALIVE, this.rate,
					RestartBenchmark.RUN, run)::await;
		}

		@Override
		public void warmUp(SampleApp app) throws IOException {
			HttpLoad.Step step = this.steps.get();
			try (RawHttp http = app.client()) {
				for (int n = 0; n < WARM_UP; n++) {
					step.send(http, n);
				}
			}
		}

	}

}
