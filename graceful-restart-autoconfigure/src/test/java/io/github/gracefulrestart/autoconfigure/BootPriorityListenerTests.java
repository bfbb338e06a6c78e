package io.github.gracefulrestart.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BootPriorityListener}: how long a lowered generation yields before each step.
 */
class BootPriorityListenerTests {

	private static final Duration TIMEOUT = Duration.ofMinutes(2);

	@Test
	void aGenerationYieldsAsLongAsThePreviousOneTookToBoot() {
		assertThat(BootPriorityListener.stepEvery(TIMEOUT, "6200")).isEqualTo(Duration.ofMillis(6200));
	}

	@Test
	void atMostAnEighthOfTheStartupTimeoutSoThatItHasItsPriorityBackByAQuarter() {
		assertThat(BootPriorityListener.stepEvery(TIMEOUT, "60000")).isEqualTo(Duration.ofSeconds(15));
		assertThat(BootPriorityListener.stepEvery(TIMEOUT, null)).isEqualTo(Duration.ofSeconds(15));
		assertThat(BootPriorityListener.stepEvery(TIMEOUT, "soon")).isEqualTo(Duration.ofSeconds(15));
	}

	@Test
	void atLeastASecond() {
		assertThat(BootPriorityListener.stepEvery(TIMEOUT, "80")).isEqualTo(Duration.ofSeconds(1));
	}

}
