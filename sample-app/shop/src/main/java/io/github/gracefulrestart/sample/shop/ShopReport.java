package io.github.gracefulrestart.sample.shop;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The shop's background job, every 200 ms: it counts the orders not yet confirmed (as a
 * report or a reminder would) and records its run, start and end, in the database.
 */
@Component
class ShopReport {

	private final Orders orders;

	private final JobRuns runs;

	ShopReport(Orders orders, JobRuns runs) {
		this.orders = orders;
		this.runs = runs;
	}

	@Scheduled(fixedRate = 200)
	void run() {
		long start = System.currentTimeMillis();
		this.orders.countByConfirmedByIsNull();
		// The job's own work, long enough for two runs at once to show.
		LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
		this.runs.save(new JobRun(start, System.currentTimeMillis()));
	}

}
