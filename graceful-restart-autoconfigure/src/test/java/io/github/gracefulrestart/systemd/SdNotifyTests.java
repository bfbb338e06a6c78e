package io.github.gracefulrestart.systemd;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SdNotify}, sending to real Unix datagram sockets.
 */
class SdNotifyTests {

	@TempDir
	Path dir;

	@Test
	void sendsOneDatagramOfNewlineSeparatedAssignmentsToAPathSocket() {
		try (NotifyReceiver receiver = NotifyReceiver.bindIn(this.dir)) {
			SdNotify notify = SdNotify.fromEnvironment(Map.of(SdNotify.NOTIFY_SOCKET, receiver.name())).orElseThrow();
			assertThat(notify.notify("READY=1", "STATUS=Generation 1 serving")).isTrue();
			assertThat(receiver.receive()).isEqualTo("READY=1\nSTATUS=Generation 1 serving");
		}
	}

	@Test
	void sendsToAnAbstractSocket() {
		String name = "@graceful-restart-test-" + ProcessHandle.current().pid();
		try (NotifyReceiver receiver = NotifyReceiver.bind(name)) {
			SdNotify notify = SdNotify.fromEnvironment(Map.of(SdNotify.NOTIFY_SOCKET, name)).orElseThrow();
			assertThat(notify.notify("STOPPING=1")).isTrue();
			assertThat(receiver.receive()).isEqualTo("STOPPING=1");
		}
	}

	@Test
	void aMissingSocketIsReportedNotThrown() {
		SdNotify notify = SdNotify.fromEnvironment(Map.of(SdNotify.NOTIFY_SOCKET, this.dir.resolve("gone").toString()))
			.orElseThrow();
		assertThat(notify.notify("READY=1")).isFalse();
	}

	@Test
	void noSocketNoNotifier() {
		assertThat(SdNotify.fromEnvironment(Map.of())).isEmpty();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SdNotify.fromEnvironment(Map.of(SdNotify.NOTIFY_SOCKET, "/" + "x".repeat(200))))
			.withMessageContaining("NOTIFY_SOCKET");
	}

}
