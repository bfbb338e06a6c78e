package io.github.gracefulrestart;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RestartAttempt}'s encoding between generations.
 */
class RestartAttemptTests {

	@Test
	void attemptsSurviveTheHandshakeEncodingWhateverTheirMessagesHold() {
		List<RestartAttempt> attempts = List.of(
				new RestartAttempt("a1", "SIGHUP", RestartResult.SUCCEEDED, Instant.parse("2026-11-23T10:00:00Z"),
						4210L, 4100, 4242, "generation 2 (pid 4242) took over"),
				new RestartAttempt("a0", "ENDPOINT", RestartResult.FAILED, Instant.parse("2026-11-23T09:00:00.5Z"), 12L,
						4100, null, "ended: exit code 1; a,b;c %20 ü\nnext line"),
				new RestartAttempt("a-1", "SIGUSR1", RestartResult.IN_PROGRESS, Instant.EPOCH, null, 1, null, null));
		String line = RestartAttempt.encode(attempts);
		assertThat(line).doesNotContain("\n").doesNotContain(" ");
		assertThat(RestartAttempt.decode(line)).isEqualTo(attempts);
	}

	@Test
	void noAttemptsEncodeToADash() {
		assertThat(RestartAttempt.encode(List.of())).isEqualTo("-");
		assertThat(RestartAttempt.decode("-")).isEmpty();
	}

	@Test
	void malformedInputSaysWhatIsWrong() {
		assertThatIllegalArgumentException().isThrownBy(() -> RestartAttempt.decode("a;b;c"))
			.withMessageContaining("Malformed restart attempt 'a;b;c'");
	}

}
