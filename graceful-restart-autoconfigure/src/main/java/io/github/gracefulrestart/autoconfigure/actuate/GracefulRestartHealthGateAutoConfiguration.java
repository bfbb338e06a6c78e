package io.github.gracefulrestart.autoconfigure.actuate;

import java.time.Duration;

import io.github.gracefulrestart.HealthGate;
import io.github.gracefulrestart.autoconfigure.GracefulRestartAutoConfiguration;
import io.github.gracefulrestart.autoconfigure.GracefulRestartProperties;
import io.github.gracefulrestart.handover.RestartCoordinator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} of the health a new generation must have
 * before it takes over: its readiness health group (or the one
 * {@code graceful-restart.health-gate.group} names), read through Actuator's health
 * endpoint.
 */
@AutoConfiguration(after = GracefulRestartAutoConfiguration.class,
		afterName = "org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration")
@ConditionalOnClass(HealthEndpoint.class)
@ConditionalOnBean({ RestartCoordinator.class, HealthEndpoint.class, HealthEndpointGroups.class })
@ConditionalOnBooleanProperty(name = "graceful-restart.health-gate.enabled", matchIfMissing = true)
public final class GracefulRestartHealthGateAutoConfiguration {

	/** How often a generation that is not healthy yet reads its health again. */
	private static final Duration INTERVAL = Duration.ofMillis(250);

	@Bean
	@ConditionalOnMissingBean
	HealthGate gracefulRestartHealthGate(HealthEndpoint endpoint, HealthEndpointGroups groups,
			GracefulRestartProperties properties) {
		return new HealthGate(new GroupHealth(endpoint, groups, properties.getHealthGate().getGroup()), INTERVAL);
	}

}
