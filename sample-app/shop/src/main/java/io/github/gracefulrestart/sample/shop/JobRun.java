package io.github.gracefulrestart.sample.shop;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;

/**
 * One run of the shop's scheduled job, from start to end (epoch milliseconds), by
 * process.
 */
@Entity
public class JobRun {

	@Id
	@GeneratedValue
	private Long id;

	private long pid;

	private long startedAt;

	private long endedAt;

	protected JobRun() {
	}

	JobRun(long startedAt, long endedAt) {
		this.pid = ShopApplication.PID;
		this.startedAt = startedAt;
		this.endedAt = endedAt;
	}

}
