package io.github.gracefulrestart.autoconfigure.jetty;

import io.github.gracefulrestart.handover.Handoff;
import org.eclipse.jetty.server.Server;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.jetty.JettyWebServerFactory;
import org.springframework.context.annotation.Bean;

/**
 * Graceful restarts for a separate management server on Jetty: its first connector is the
 * {@code management} listener.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnClass({ Server.class, JettyWebServerFactory.class })
@ConditionalOnBean(Handoff.class)
class GracefulRestartJettyManagementContextConfiguration {

	@Bean
	GracefulRestartJettyCustomizer gracefulRestartJettyManagementCustomizer(Handoff handoff) {
		return new GracefulRestartJettyCustomizer(handoff.listeners(), "management");
	}

}
