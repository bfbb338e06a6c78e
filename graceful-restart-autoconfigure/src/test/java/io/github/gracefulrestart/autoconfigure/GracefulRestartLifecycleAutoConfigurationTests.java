package io.github.gracefulrestart.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.context.support.DefaultLifecycleProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GracefulRestartLifecycleAutoConfiguration}.
 */
class GracefulRestartLifecycleAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GracefulRestartLifecycleAutoConfiguration.class,
				LifecycleAutoConfiguration.class, GracefulRestartAutoConfiguration.class));

	@Test
	void theLifecycleProcessorIsSpringBootsOwnWithBackgroundWorkHandedOverAndTheSameShutdownTimeout() {
		this.runner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=12s").run((context) -> {
			assertThat(context.getBean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME))
				.isInstanceOf(GenerationLifecycleProcessor.class)
				.hasFieldOrPropertyWithValue("timeoutPerShutdownPhase", Duration.ofSeconds(12).toMillis());
			GenerationLifecycleProcessor processor = context.getBean(GenerationLifecycleProcessor.class);
			assertThat(processor.work()).isNotNull();
		});
	}

	@Test
	void anApplicationsOwnLifecycleProcessorTurnsItOff() {
		this.runner.withUserConfiguration(OwnProcessor.class)
			.run((context) -> assertThat(context.getBean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME))
				.isNotInstanceOf(GenerationLifecycleProcessor.class));
	}

	@Test
	void itCanBeTurnedOff() {
		this.runner.withPropertyValues("graceful-restart.background-work.hand-over=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GenerationLifecycleProcessor.class)
				.hasBean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnProcessor {

		@Bean
		DefaultLifecycleProcessor lifecycleProcessor() {
			return new DefaultLifecycleProcessor();
		}

	}

}
