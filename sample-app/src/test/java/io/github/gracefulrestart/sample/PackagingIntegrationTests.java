package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter brings no servlet container: a Jetty app that adds it stays a Jetty app,
 * and the reverse.
 */
class PackagingIntegrationTests {

	@Test
	void jettyAppHasNoTomcatServerAndTomcatAppNoJetty() throws IOException {
		assertThat(libraries(SampleApp.Server.JETTY)).anyMatch((lib) -> lib.contains("jetty-server"))
			.noneMatch((lib) -> lib.contains("tomcat-embed-core"))
			.anyMatch((lib) -> lib.contains("graceful-restart-autoconfigure"));
		assertThat(libraries(SampleApp.Server.TOMCAT)).anyMatch((lib) -> lib.contains("tomcat-embed-core"))
			.noneMatch((lib) -> lib.contains("jetty"))
			.anyMatch((lib) -> lib.contains("graceful-restart-autoconfigure"));
	}

	private static List<String> libraries(SampleApp.Server server) throws IOException {
		try (ZipFile jar = new ZipFile(server.jar().toFile())) {
			return Collections.list(jar.entries())
				.stream()
				.map(java.util.zip.ZipEntry::getName)
				.filter((name) -> name.startsWith("BOOT-INF/lib/"))
				.toList();
		}
	}

}
