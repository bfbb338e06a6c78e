package io.github.gracefulrestart.autoconfigure;

import io.github.gracefulrestart.handover.Handoff;
import jnr.posix.POSIX;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.support.AbstractApplicationContext;

/**
 * {@link AutoConfiguration Auto-configuration} of the context's lifecycle processor, so
 * that a generation's background work (scheduled tasks, message listener containers) runs
 * in one generation at a time: Spring Boot's own processor, with the same
 * {@code spring.lifecycle.timeout-per-shutdown-phase}, that leaves the work of a new
 * generation stopped until it takes over. A lifecycle processor of the application's own
 * turns it off.
 */
@AutoConfiguration(before = LifecycleAutoConfiguration.class)
@ConditionalOnWebApplication
@ConditionalOnClass(POSIX.class)
@ConditionalOnBooleanProperty(name = "graceful-restart.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "graceful-restart.background-work.hand-over", matchIfMissing = true)
@Conditional(NativeSupportCondition.class)
@EnableConfigurationProperties({ GracefulRestartProperties.class, LifecycleProperties.class })
public final class GracefulRestartLifecycleAutoConfiguration {

	@Bean(name = AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME)
	@ConditionalOnMissingBean(name = AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME,
			search = SearchStrategy.CURRENT)
	GenerationLifecycleProcessor gracefulRestartLifecycleProcessor(GracefulRestartProperties properties,
			LifecycleProperties lifecycle, ObjectProvider<Handoff> handoff) {
		BackgroundWorkBeans work = new BackgroundWorkBeans(properties.getBackgroundWork(),
				lifecycle.getTimeoutPerShutdownPhase());
		// Deferred only in a generation that starts beside a serving one.
		boolean beside = handoff.getIfAvailable(Handoff::none).parentPid().isPresent();
		GenerationLifecycleProcessor processor = new GenerationLifecycleProcessor(work, beside);
		processor.setTimeoutPerShutdownPhase(lifecycle.getTimeoutPerShutdownPhase().toMillis());
		return processor;
	}

}
