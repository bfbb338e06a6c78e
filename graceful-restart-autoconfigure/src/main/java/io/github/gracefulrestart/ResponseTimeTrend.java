package io.github.gracefulrestart;

import java.util.Arrays;

/**
 * Tells when the response times of a warm-up have stopped improving. The completed
 * requests are taken in rounds of {@value #ROUND}; a round improves when its median is at
 * least 10% below the best median before it (the first always does). Two rounds in a row
 * that do not improve mean the JIT has compiled what these requests run through, and more
 * of them would mostly cost the takeover time. The median, not the mean, so that one
 * garbage collection does not count as a trend. Safe for concurrent use.
 */
final class ResponseTimeTrend {

	static final int ROUND = 20;

	private static final int FLAT_ROUNDS = 2;

	private final long[] round = new long[ROUND];

	private int inRound;

	private int flat;

	private long best = Long.MAX_VALUE;

	private long firstMedian = -1;

	private long lastMedian = -1;

	private volatile boolean settled;

	/**
	 * Count one completed request.
	 * @param nanos its response time
	 * @return whether the response times have settled
	 */
	synchronized boolean add(long nanos) {
		this.round[this.inRound++] = nanos;
		if (this.inRound == ROUND) {
			this.inRound = 0;
			long[] sorted = this.round.clone();
			Arrays.sort(sorted);
			long median = sorted[ROUND / 2];
			if (this.firstMedian < 0) {
				this.firstMedian = median;
			}
			this.lastMedian = median;
			this.flat = (median < this.best * 0.9) ? 0 : this.flat + 1;
			this.best = Math.min(this.best, median);
			if (this.flat >= FLAT_ROUNDS) {
				this.settled = true;
			}
		}
		return this.settled;
	}

	boolean settled() {
		return this.settled;
	}

	/**
	 * What the rounds showed, for the log.
	 * @return the median of the first and of the last round, or an empty text before the
	 * first round is complete
	 */
	synchronized String summary() {
		if (this.firstMedian < 0) {
			return "";
		}
		return String.format("median %.1f ms in the first %d, %.1f ms in the last %d", this.firstMedian / 1e6, ROUND,
				this.lastMedian / 1e6, ROUND);
	}

}
