package io.github.gracefulrestart.sample;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A realistic application across restarts: the shop (JPA on a database server, Thymeleaf
 * pages, a form POST, a JMS listener on a broker, a {@code @Scheduled(fixedRate = 200)}
 * job) through ten restarts under a load of its own pages and forms, each restart with a
 * form POST held half-sent so that the old generation still drains while the new one
 * serves. Every request succeeds, every POSTed order lands, every order's message is
 * handled exactly once, and the job runs in one generation at a time, pausing well under
 * a second at each handover.
 */
class ShopIntegrationTests {

	@TempDir
	Path workDir;

	@Test
	void ordersMessagesAndScheduledWorkHandOverOnceAcrossTenRestartsUnderLoad() throws Exception {
		Shopper shopper = new Shopper();
		try (ShopBackends backends = ShopBackends.start(this.workDir);
				SampleApp app = SampleApp.start(SampleApp.Server.SHOP, this.workDir, List.of(),
						backends.arguments().toArray(String[]::new));
				HttpLoad load = HttpLoad.start(app::client, shopper, 6, 10, Duration.ofMinutes(15))) {
			long pid = app.servingPid();
			for (int restart = 1; restart <= 10; restart++) {
				long old = pid;
				try (RawHttp held = app.client()) {
					// Held half-sent: the old generation drains until it ends, after the
					// takeover.
					byte[] form = ("item=held-" + restart + "&quantity=1").getBytes(StandardCharsets.US_ASCII);
					OutputStream out = held.open();
					out.write(("POST /orders HTTP/1.1\r\nHost: 127.0.0.1\r\n"
							+ "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length
							+ "\r\n\r\n")
						.getBytes(StandardCharsets.US_ASCII));
					out.write(form, 0, form.length - 1);
					out.flush();
					SampleApp.signal(old, "HUP");
					long next = await("a new generation to answer").atMost(SampleApp.STARTUP)
						.until(app::servingPid, (serving) -> serving != old);
					await("the new generation to run the job while the old one drains").atMost(Duration.ofSeconds(30))
						.until(() -> count(backends, "select count(*) from job_run where pid = " + next) >= 3);
					assertThat(SampleApp.isAlive(old)).as("generation %d still drains", old).isTrue();
					out.write(form[form.length - 1]);
					out.flush();
					RawHttp.Response response = shopper.placed(held.readResponse());
					assertThat(response.status()).as(response.body()).isEqualTo(302);
				}
				pid = app.awaitTakeover(old);
			}
			load.stop();
			assertThat(load.failures()).as("%s", load).isZero();
			Set<Long> placed = shopper.orders();
			assertThat(placed).as("orders placed").hasSizeGreaterThan(100);
			await("every order's message to be handled").atMost(Duration.ofSeconds(60))
				.until(() -> backends.messagesIn("shop.orders") == 0
						&& count(backends, "select count(*) from receipt") >= placed.size());
			assertThat(ids(backends, "select id from purchase_order")).as("the orders in the database")
				.containsAll(placed);
			assertThat(backends.query("select order_id, count(*) from receipt group by order_id having count(*) > 1"))
				.as("orders confirmed more than once (order, receipts)")
				.isEmpty();
			assertThat(ids(backends, "select order_id from receipt")).as("the orders confirmed")
				.containsExactlyInAnyOrderElementsOf(ids(backends, "select id from purchase_order"));
			assertScheduledRunsHandOver(
					backends.query("select pid, started_at, ended_at from job_run order by started_at"));
		}
	}

	private static long count(ShopBackends backends, String sql) throws SQLException {
		return ((Number) backends.query(sql).get(0).get(0)).longValue();
	}

	private static List<Long> ids(ShopBackends backends, String sql) throws SQLException {
		return backends.query(sql).stream().map((row) -> ((Number) row.get(0)).longValue()).toList();
	}

	/**
	 * The job's runs, by start: a run of one generation never starts before the last run
	 * of the generation before it ended, and there is one such handover per restart, each
	 * well under a second.
	 */
	private static void assertScheduledRunsHandOver(List<List<Object>> rows) {
		List<long[]> runs = rows.stream()
			.map((row) -> row.stream().mapToLong((value) -> ((Number) value).longValue()).toArray())
			.toList();
		assertThat(runs.stream().map((run) -> run[0]).distinct()).hasSize(11);
		List<Long> handovers = new ArrayList<>();
		for (int i = 1; i < runs.size(); i++) {
			long[] before = runs.get(i - 1);
			long[] run = runs.get(i);
			if (run[0] != before[0]) {
				assertThat(run[1]).as("a run of pid %d starts before one of pid %d ended", run[0], before[0])
					.isGreaterThanOrEqualTo(before[2]);
				handovers.add(run[1] - before[2]);
			}
		}
		System.out.println("Shop: the scheduled job's pauses at the handovers (ms): " + handovers);
		assertThat(handovers).as("one handover per restart, each one way")
			.hasSize(10)
			.allMatch((pause) -> pause < 1000);
	}

}
