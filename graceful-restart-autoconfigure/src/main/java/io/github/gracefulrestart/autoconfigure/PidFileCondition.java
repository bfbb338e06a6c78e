package io.github.gracefulrestart.autoconfigure;

import io.github.gracefulrestart.handover.Handoff;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when a PID file is configured ({@code graceful-restart.pid-file} or
 * {@code spring.pid.file}) and no supervisor started this generation (the supervisor
 * writes its own pid).
 */
class PidFileCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		String file = context.getEnvironment()
			.getProperty("graceful-restart.pid-file", context.getEnvironment().getProperty("spring.pid.file", ""));
		if (file.isBlank()) {
			return ConditionOutcome.noMatch("neither graceful-restart.pid-file nor spring.pid.file is set");
		}
		String supervisor = System.getenv(Handoff.SUPERVISOR_PID);
		if (supervisor != null && !supervisor.isEmpty()) {
			return ConditionOutcome.noMatch("a supervisor writes its own pid to " + file);
		}
		return ConditionOutcome.match("PID file " + file);
	}

}
