package io.github.gracefulrestart.autoconfigure;

import io.github.gracefulrestart.systemd.SdNotify;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the service manager expects sd_notify notifications ({@code NOTIFY_SOCKET}
 * set), as systemd does for {@code Type=notify} services.
 */
class OnNotifySocketCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		String socket = System.getenv(SdNotify.NOTIFY_SOCKET);
		return (socket != null && !socket.isEmpty()) ? ConditionOutcome.match(SdNotify.NOTIFY_SOCKET + " is set")
				: ConditionOutcome.noMatch(SdNotify.NOTIFY_SOCKET + " is not set");
	}

}
