package io.github.gracefulrestart.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SupervisorLauncher}. (Supervising for real is covered by the sample's
 * integration tests: it replaces the JVM.)
 */
class SupervisorLauncherTests {

	@Test
	void aContextNotRunFromAMainMethodIsNeverSupervisedEvenWithAlways() {
		// Were it supervised, this test JVM would replace itself and never come back.
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
			.web(WebApplicationType.SERVLET)
			.properties("graceful-restart.supervisor=always", "server.port=0", "spring.main.banner-mode=off")
			.run()) {
			assertThat(context.isActive()).isTrue();
			assertThat(context.getBean(io.github.gracefulrestart.handover.RestartCoordinator.class).status().mode())
				.isEqualTo("STANDALONE");
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
