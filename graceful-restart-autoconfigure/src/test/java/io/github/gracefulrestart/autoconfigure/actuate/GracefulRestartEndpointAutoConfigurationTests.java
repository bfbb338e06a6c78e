package io.github.gracefulrestart.autoconfigure.actuate;

import io.github.gracefulrestart.autoconfigure.GracefulRestartAutoConfiguration;
import io.github.gracefulrestart.autoconfigure.tomcat.GracefulRestartTomcatAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GracefulRestartEndpointAutoConfiguration}: the web extension, and the
 * warning when anyone who reaches the application could restart it.
 */
@ExtendWith(OutputCaptureExtension.class)
class GracefulRestartEndpointAutoConfigurationTests {

	private static final String WARNING = "anyone who reaches the application can restart it";

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GracefulRestartAutoConfiguration.class,
				GracefulRestartTomcatAutoConfiguration.class, EndpointAutoConfiguration.class,
				GracefulRestartEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=gracefulrestart");

	@Test
	void restartingOverTheApplicationsOwnPortIsWorthAWarning(CapturedOutput output) {
		this.runner.withPropertyValues("management.endpoint.gracefulrestart.access=UNRESTRICTED").run((context) -> {
			assertThat(context).hasSingleBean(GracefulRestartEndpointWebExtension.class);
			assertThat(output).contains(WARNING);
		});
	}

	@Test
	void restartingOverAManagementPortOfItsOwnOrNotAtAllIsNot(CapturedOutput output) {
		this.runner
			.withPropertyValues("management.endpoint.gracefulrestart.access=UNRESTRICTED",
					"management.server.port=9999")
			.run((context) -> assertThat(context).hasSingleBean(GracefulRestartEndpointWebExtension.class));
		this.runner.run((context) -> assertThat(context).hasSingleBean(GracefulRestartEndpoint.class));
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void withoutWebExposureThereIsNoWebExtension() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(GracefulRestartAutoConfiguration.class,
					GracefulRestartTomcatAutoConfiguration.class, EndpointAutoConfiguration.class,
					GracefulRestartEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.jmx.exposure.include=gracefulrestart", "spring.jmx.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(GracefulRestartEndpoint.class)
				.doesNotHaveBean(GracefulRestartEndpointWebExtension.class));
	}

}
