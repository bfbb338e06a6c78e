package io.github.gracefulrestart.sample;

/**
 * The core guarantees on Spring Boot 4.0.x: the servlet sample on Tomcat built on the
 * previous Boot line, with the starter built against 4.1.x.
 */
class Boot40RestartIntegrationTests extends AbstractRestartIntegrationTests {

	@Override
	SampleApp.Server server() {
		return SampleApp.Server.BOOT40_TOMCAT;
	}

}
