package io.github.gracefulrestart.autoconfigure.tomcat;

import java.util.Optional;

import io.github.gracefulrestart.handover.Handoff;
import io.github.gracefulrestart.autoconfigure.GracefulRestartAutoConfiguration;
import io.github.gracefulrestart.autoconfigure.WebServerRestartSupport;
import io.github.gracefulrestart.tomcat.GracefulNioProtocol;
import io.github.gracefulrestart.tomcat.TomcatRestartableServer;
import org.apache.catalina.startup.Tomcat;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} for graceful restarts on embedded Tomcat.
 */
@AutoConfiguration(after = GracefulRestartAutoConfiguration.class)
@ConditionalOnClass({ Tomcat.class, TomcatWebServerFactory.class })
@ConditionalOnBean(Handoff.class)
public final class GracefulRestartTomcatAutoConfiguration {

	@Bean
	GracefulRestartTomcatCustomizer gracefulRestartTomcatCustomizer(Handoff handoff) {
		return new GracefulRestartTomcatCustomizer(handoff.listeners(), "server");
	}

	@Bean
	WebServerRestartSupport tomcatRestartSupport() {
		return (webServer) -> (webServer instanceof TomcatWebServer tomcat)
				? Optional.of(new TomcatRestartableServer(tomcat.getTomcat())) : Optional.empty();
	}

}
