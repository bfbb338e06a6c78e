package io.github.gracefulrestart.autoconfigure.actuate;

import io.github.gracefulrestart.HealthGate;
import io.github.gracefulrestart.autoconfigure.GracefulRestartAutoConfiguration;
import io.github.gracefulrestart.autoconfigure.tomcat.GracefulRestartTomcatAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health a new generation waits for, read through Spring Boot's own health endpoint.
 */
class GracefulRestartHealthGateAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GracefulRestartAutoConfiguration.class,
				GracefulRestartTomcatAutoConfiguration.class, GracefulRestartHealthGateAutoConfiguration.class,
				ApplicationAvailabilityAutoConfiguration.class, EndpointAutoConfiguration.class,
				HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
				AvailabilityHealthContributorAutoConfiguration.class, AvailabilityProbesAutoConfiguration.class,
				HealthEndpointAutoConfiguration.class))
		.withUserConfiguration(Backends.class);

	@Test
	void readsTheReadinessGroupAndNamesTheIndicatorsThatAreNotUpWithTheirDetailsWhereTheGroupShowsThem() {
		this.runner
			.withPropertyValues("management.endpoint.health.group.readiness.include=readinessState,db",
					"management.endpoint.health.group.readiness.show-details=always")
			.run((context) -> {
				assertThat(context).hasSingleBean(HealthGate.class);
				GroupHealth health = groupHealth(context, "readiness");
				HealthGate.Health before = health.get();
				assertThat(before.up()).isFalse();
				assertThat(before.notUp()).containsExactlyInAnyOrder("readinessState", "db");
				AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
				HealthGate.Health ready = health.get();
				assertThat(ready.up()).isFalse();
				assertThat(ready.notUp()).containsExactly("db");
				assertThat(ready.description())
					.isEqualTo("health group 'readiness' is DOWN: db DOWN {error=java.net.ConnectException: refused}");
				// The cache, not in the readiness group, changes nothing.
				assertThat(ready.description()).doesNotContain("cache");
			});
	}

	@Test
	void whereTheHealthEndpointShowsNoDetailsTheIndicatorsAreNamedWithTheirStatusOnly() {
		for (String showDetails : new String[] { "never", "when-authorized" }) {
			this.runner
				.withPropertyValues("management.endpoint.health.group.readiness.include=readinessState,db",
						"management.endpoint.health.show-details=" + showDetails)
				.run((context) -> {
					AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
					assertThat(groupHealth(context, "readiness").get().description())
						.isEqualTo("health group 'readiness' is DOWN: db DOWN");
				});
		}
	}

	@Test
	void withoutTheNamedGroupReadsTheWholeHealth() {
		this.runner.withPropertyValues("graceful-restart.health-gate.group=takeover").run((context) -> {
			GroupHealth health = groupHealth(context, "takeover");
			assertThat(health.describe()).isEqualTo("the application's health (there is no health group 'takeover')");
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			AvailabilityChangeEvent.publish(context, LivenessState.CORRECT);
			assertThat(health.get().notUp()).containsExactlyInAnyOrder("db", "cache");
			assertThat(health.get().description()).startsWith("health is DOWN: ");
		});
	}

	@Test
	void offByProperty() {
		this.runner.withPropertyValues("graceful-restart.health-gate.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(HealthGate.class));
	}

	private static GroupHealth groupHealth(AssertableWebApplicationContext context, String group) {
		return new GroupHealth(context.getBean(HealthEndpoint.class), context.getBean(HealthEndpointGroups.class),
				group);
	}

	@Configuration(proxyBeanMethods = false)
	static class Backends {

		@Bean
		HealthIndicator db() {
			return () -> Health.down(new java.net.ConnectException("refused")).build();
		}

		@Bean
		HealthIndicator cache() {
			return () -> Health.outOfService().build();
		}

	}

}
