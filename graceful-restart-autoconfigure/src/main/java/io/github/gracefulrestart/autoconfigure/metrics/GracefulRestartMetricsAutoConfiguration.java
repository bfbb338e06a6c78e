package io.github.gracefulrestart.autoconfigure.metrics;

import io.github.gracefulrestart.handover.RestartCoordinator;
import io.github.gracefulrestart.autoconfigure.GracefulRestartAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} for {@link GracefulRestartMetrics}, only
 * where Micrometer is.
 */
@AutoConfiguration(after = GracefulRestartAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(RestartCoordinator.class)
public final class GracefulRestartMetricsAutoConfiguration {

	@Bean
	@ConditionalOnBean(MeterRegistry.class)
	@ConditionalOnMissingBean
	GracefulRestartMetrics gracefulRestartMetrics(RestartCoordinator coordinator) {
		return new GracefulRestartMetrics(coordinator);
	}

}
