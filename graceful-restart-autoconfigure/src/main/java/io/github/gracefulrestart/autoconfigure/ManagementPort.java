package io.github.gracefulrestart.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Whether Actuator runs its endpoints on a server of their own, decided as Spring Boot
 * decides it.
 */
public final class ManagementPort {

	private static final String PORT_TYPE = "org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType";

	private ManagementPort() {
	}

	public static boolean isSeparate(Environment environment) {
		return ClassUtils.isPresent(PORT_TYPE, ManagementPort.class.getClassLoader())
				&& ManagementPortType.get(environment) == ManagementPortType.DIFFERENT;
	}

}
