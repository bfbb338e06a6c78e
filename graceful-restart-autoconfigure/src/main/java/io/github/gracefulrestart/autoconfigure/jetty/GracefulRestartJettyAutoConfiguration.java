package io.github.gracefulrestart.autoconfigure.jetty;

import java.util.Optional;

import io.github.gracefulrestart.handover.Handoff;
import io.github.gracefulrestart.autoconfigure.GracefulRestartAutoConfiguration;
import io.github.gracefulrestart.autoconfigure.WebServerRestartSupport;
import io.github.gracefulrestart.jetty.JettyRestartableServer;
import org.eclipse.jetty.server.Server;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.jetty.JettyWebServerFactory;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} for graceful restarts on Jetty.
 */
@AutoConfiguration(after = GracefulRestartAutoConfiguration.class)
@ConditionalOnClass({ Server.class, JettyWebServerFactory.class })
@ConditionalOnBean(Handoff.class)
public final class GracefulRestartJettyAutoConfiguration {

	@Bean
	GracefulRestartJettyCustomizer gracefulRestartJettyCustomizer(Handoff handoff) {
		return new GracefulRestartJettyCustomizer(handoff.listeners(), "server");
	}

	@Bean
	WebServerRestartSupport jettyRestartSupport() {
		return (webServer) -> (webServer instanceof JettyWebServer jetty)
				? Optional.of(new JettyRestartableServer(jetty.getServer())) : Optional.empty();
	}

}
