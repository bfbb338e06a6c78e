package io.github.gracefulrestart.autoconfigure.tomcat;

import io.github.gracefulrestart.autoconfigure.GracefulRestartAutoConfiguration;
import io.github.gracefulrestart.autoconfigure.WebServerRestartSupport;
import io.github.gracefulrestart.socket.InheritedListeners;
import io.github.gracefulrestart.tomcat.GracefulNioProtocol;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GracefulRestartTomcatAutoConfiguration}.
 */
class GracefulRestartTomcatAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GracefulRestartAutoConfiguration.class,
				GracefulRestartTomcatAutoConfiguration.class));

	@Test
	void tomcatAppGetsTheCustomizerAndTheServerSupport() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(GracefulRestartTomcatCustomizer.class)
			.hasSingleBean(WebServerRestartSupport.class));
	}

	@Test
	void backsOffWithoutTomcat() {
		this.runner.withClassLoader(new FilteredClassLoader(Tomcat.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GracefulRestartTomcatCustomizer.class));
	}

	@Test
	void backsOffWhenRestartsAreDisabled() {
		this.runner.withPropertyValues("graceful-restart.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GracefulRestartTomcatCustomizer.class));
	}

	@Test
	void customizerPutsTheDefaultConnectorOnTheGracefulProtocol() {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
		new GracefulRestartTomcatCustomizer(InheritedListeners.none(), "server").customize(factory);
		assertThat(factory.getProtocol()).isEqualTo(GracefulNioProtocol.class.getName());
		assertThat(factory.getConnectorCustomizers()).hasSize(1);
	}

	@Test
	void customizerLeavesAProtocolTheUserChose() {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
		factory.setProtocol("org.apache.coyote.http11.Http11Nio2Protocol");
		new GracefulRestartTomcatCustomizer(InheritedListeners.none(), "server").customize(factory);
		assertThat(factory.getProtocol()).isEqualTo("org.apache.coyote.http11.Http11Nio2Protocol");
		assertThat(TomcatWebServerFactory.DEFAULT_PROTOCOL).isNotEqualTo(factory.getProtocol());
	}

}
