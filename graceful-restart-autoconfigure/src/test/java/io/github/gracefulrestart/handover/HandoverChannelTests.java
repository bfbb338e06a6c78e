package io.github.gracefulrestart.handover;

import java.time.Instant;
import java.util.List;

import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartResult;
import io.github.gracefulrestart.process.JnrNativeOs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link HandoverChannel} and {@link Message}: the wire format, and a real
 * socket pair with a shell at the other end.
 */
class HandoverChannelTests {

	private final JnrNativeOs os = JnrNativeOs.load();

	@Test
	void handoverChannelCarriesMessagesSkipsWhatIsNoneAndEndsWhenTheChildIsGone() throws Exception {
		int[] pair = this.os.socketPair();
		int pid = this.os.spawn("/bin/sh",
				List.of("sh", "-c",
						"echo READY >&3; read reply <&3; echo nonsense >&3; echo \"RESTART got $reply\" >&3"),
				List.of(), new int[] { pair[1] });
		this.os.close(pair[1]);
		try (HandoverChannel channel = new HandoverChannel(this.os, pair[0])) {
			assertThat(channel.receive()).isEqualTo(new Message.Ready());
			channel.send(new Message.Drained(5, List.of()));
			assertThat(channel.receive()).isEqualTo(new Message.Restart("got DRAINED 5"));
			assertThat(channel.receive()).isNull();
		}
		assertThat(this.os.waitFor(pid).code()).isZero();
	}

	@Test
	void everyMessageReadsBackAsItWasWritten() {
		RestartAttempt attempt = new RestartAttempt("r1", "SIGHUP", RestartResult.FAILED,
				Instant.parse("2026-12-03T10:00:00Z"), 12L, 41, 42, "generation 2 (pid 42) ended; exit code 1, a, b");
		List<Message> messages = List.of(new Message.Ready(), new Message.Drained(7, List.of()),
				new Message.Drained(7, List.of(attempt, attempt)), new Message.Restart("SIGHUP"),
				new Message.Accepted(attempt), new Message.Refused(attempt, "a restart is already RESTARTING"),
				new Message.Refused(null, "the service is stopping"), new Message.Attempt(attempt),
				new Message.Drain(attempt));
		for (Message message : messages) {
			assertThat(Message.parse(message.encode())).isEqualTo(message);
		}
	}

	@Test
	void linesOfEarlierVersionsStillParse() {
		assertThat(Message.parse("DRAINED 5")).isEqualTo(new Message.Drained(5, List.of()));
		assertThat(Message.parse("REFUSED - the service is stopping"))
			.isEqualTo(new Message.Refused(null, "the service is stopping"));
	}

	@Test
	void whatIsNoMessageIsRefusedWithTheLine() {
		assertThatIllegalArgumentException().isThrownBy(() -> Message.parse("HELLO")).withMessageContaining("HELLO");
		assertThatIllegalArgumentException().isThrownBy(() -> Message.parse("DRAINED soon"))
			.withMessageContaining("Malformed");
		assertThatIllegalArgumentException().isThrownBy(() -> Message.parse("ATTEMPT a;b"))
			.withMessageContaining("Malformed");
		assertThatIllegalArgumentException().isThrownBy(() -> Message.parse(""));
	}

}
