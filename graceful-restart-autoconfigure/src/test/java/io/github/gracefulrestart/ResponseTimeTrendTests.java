package io.github.gracefulrestart;

import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ResponseTimeTrend}.
 */
class ResponseTimeTrendTests {

	private static final int ROUND = ResponseTimeTrend.ROUND;

	@Test
	void settlesAfterTwoRoundsThatDoNotImproveOnTheBest() {
		ResponseTimeTrend trend = new ResponseTimeTrend();
		// A JIT warming up: 12, 6, 3 ms, then 2.9 and 3.1 ms, no longer 10% better than
		// 3.
		assertThat(rounds(trend, 12, 6, 3)).isFalse();
		assertThat(rounds(trend, 2.9)).isFalse();
		assertThat(rounds(trend, 3.1)).isTrue();
		assertThat(trend.summary()).isEqualTo("median 12.0 ms in the first 20, 3.1 ms in the last 20");
	}

	@Test
	void keepsGoingWhileRoundsImprove() {
		ResponseTimeTrend trend = new ResponseTimeTrend();
		assertThat(rounds(trend, 5, 5)).isFalse();
		assertThat(rounds(trend, 4, 3.5, 3, 2.5)).isFalse();
		assertThat(rounds(trend, 2.5, 2.4)).isTrue();
	}

	@Test
	void oneSlowRequestInARoundIsNotATrend() {
		ResponseTimeTrend trend = new ResponseTimeTrend();
		rounds(trend, 10, 5);
		// A garbage collection makes one request of the round 300 ms; the median still
		// improves.
		trend.add(millis(300));
		IntStream.range(1, ROUND).forEach((i) -> trend.add(millis(2)));
		assertThat(rounds(trend, 1.9)).isFalse();
		assertThat(rounds(trend, 1.9)).isTrue();
	}

	@Test
	void saysNothingBeforeTheFirstRoundIsComplete() {
		ResponseTimeTrend trend = new ResponseTimeTrend();
		trend.add(millis(1));
		assertThat(trend.summary()).isEmpty();
		assertThat(trend.settled()).isFalse();
	}

	/**
	 * Full rounds of requests that each took the given time; what {@code add} said last.
	 */
	private static boolean rounds(ResponseTimeTrend trend, double... medianMillis) {
		boolean settled = false;
		for (double millis : medianMillis) {
			for (int i = 0; i < ROUND; i++) {
				settled = trend.add(millis(millis));
			}
		}
		return settled;
	}

	private static long millis(double millis) {
		return (long) (millis * TimeUnit.MILLISECONDS.toNanos(1));
	}

}
