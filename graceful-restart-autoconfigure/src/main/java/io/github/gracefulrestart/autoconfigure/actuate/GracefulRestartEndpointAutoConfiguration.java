package io.github.gracefulrestart.autoconfigure.actuate;

import io.github.gracefulrestart.handover.RestartCoordinator;
import io.github.gracefulrestart.autoconfigure.GracefulRestartAutoConfiguration;
import io.github.gracefulrestart.autoconfigure.ManagementPort;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * {@link AutoConfiguration Auto-configuration} for the {@link GracefulRestartEndpoint}.
 */
@AutoConfiguration(after = GracefulRestartAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(RestartCoordinator.class)
@ConditionalOnAvailableEndpoint(GracefulRestartEndpoint.class)
public final class GracefulRestartEndpointAutoConfiguration {

	private static final Log logger = LogFactory.getLog(GracefulRestartEndpointAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	GracefulRestartEndpoint gracefulRestartEndpoint(RestartCoordinator coordinator) {
		return new GracefulRestartEndpoint(coordinator);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(GracefulRestartEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	GracefulRestartEndpointWebExtension gracefulRestartEndpointWebExtension(GracefulRestartEndpoint endpoint,
			ObjectProvider<EndpointAccessResolver> access, Environment environment) {
		warnIfAnyClientCanRestart(access.getIfAvailable(), environment);
		return new GracefulRestartEndpointWebExtension(endpoint);
	}

	/**
	 * Restarting over HTTP on the application's own port lets anyone who reaches the
	 * application restart it: worth one line at start-up.
	 */
	private static void warnIfAnyClientCanRestart(EndpointAccessResolver access, Environment environment) {
		if (access == null || ManagementPort.isSeparate(environment)) {
			return;
		}
		if (access.accessFor(EndpointId.of("gracefulrestart"), Access.READ_ONLY) == Access.UNRESTRICTED) {
			logger.warn("POST /actuator/gracefulrestart is allowed on the application's own port (server.port): anyone "
					+ "who reaches the application can restart it. Serve Actuator on a port of its own "
					+ "(management.server.port) that clients cannot reach, or secure the endpoint");
		}
	}

}
