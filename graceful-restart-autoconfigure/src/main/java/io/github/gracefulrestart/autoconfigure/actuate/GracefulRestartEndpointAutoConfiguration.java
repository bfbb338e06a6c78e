package io.github.gracefulrestart.autoconfigure.actuate;

import io.github.gracefulrestart.handover.RestartCoordinator;
import io.github.gracefulrestart.autoconfigure.GracefulRestartAutoConfiguration;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} for the {@link GracefulRestartEndpoint}.
 */
@AutoConfiguration(after = GracefulRestartAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(RestartCoordinator.class)
@ConditionalOnAvailableEndpoint(GracefulRestartEndpoint.class)
public final class GracefulRestartEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GracefulRestartEndpoint gracefulRestartEndpoint(RestartCoordinator coordinator) {
		return new GracefulRestartEndpoint(coordinator);
	}

}
