package io.github.gracefulrestart.autoconfigure.tomcat;

import io.github.gracefulrestart.handover.Handoff;
import org.apache.catalina.startup.Tomcat;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.context.annotation.Bean;

/**
 * Graceful restarts for a separate management server ({@code management.server.port}):
 * Spring Boot runs it in a child context with its own Tomcat, whose connector is the
 * {@code management} listener.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnClass({ Tomcat.class, TomcatWebServerFactory.class })
@ConditionalOnBean(Handoff.class)
class GracefulRestartTomcatManagementContextConfiguration {

	@Bean
	GracefulRestartTomcatCustomizer gracefulRestartTomcatManagementCustomizer(Handoff handoff) {
		return new GracefulRestartTomcatCustomizer(handoff.listeners(), "management");
	}

}
