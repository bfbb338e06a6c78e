package io.github.gracefulrestart.tomcat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TomcatPrivateChannel} on a real embedded Tomcat.
 */
class TomcatPrivateChannelTests {

	@TempDir
	Path baseDir;

	private final AtomicInteger served = new AtomicInteger();

	private final Map<String, String> catalinaProperties = new HashMap<>();

	/**
	 * Tomcat points {@code catalina.base} and {@code catalina.home} at the first base
	 * directory it meets; the next test's Tomcat would recreate that directory after it
	 * was deleted.
	 */
	@BeforeEach
	void rememberCatalinaProperties() {
		for (String name : List.of("catalina.base", "catalina.home")) {
			this.catalinaProperties.put(name, System.getProperty(name));
		}
	}

	@AfterEach
	void restoreCatalinaProperties() {
		this.catalinaProperties.forEach((name, value) -> {
			if (value == null) {
				System.clearProperty(name);
			}
			else {
				System.setProperty(name, value);
			}
		});
	}

	@Test
	void requestsReachTheApplicationOverAUnixSocketOnlyThisUserCanEnterAndCloseRemovesIt() throws Exception {
		Tomcat tomcat = startTomcat();
		try {
			int connectorsBefore = tomcat.getService().findConnectors().length;
			Path directory;
			try (TomcatPrivateChannel channel = TomcatPrivateChannel.open(tomcat.getService(), this.baseDir)) {
				assertThat(channel.get("/hello")).isEqualTo(200);
				assertThat(channel.get("/missing")).isEqualTo(404);
				assertThat(this.served).hasValue(1);
				assertThat(tomcat.getService().findConnectors()).hasSize(connectorsBefore + 1);
				directory = privateDirectory(tomcat);
				assertThat(directory.getParent()).isEqualTo(this.baseDir);
				assertThat(Files.getPosixFilePermissions(directory)).extracting(Object::toString)
					.containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE", "OWNER_EXECUTE");
			}
			assertThat(tomcat.getService().findConnectors()).hasSize(connectorsBefore);
			assertThat(directory).doesNotExist();
		}
		finally {
			stop(tomcat);
		}
	}

	@Test
	void whenTheTempDirectoryIsTooLongForASocketPathTheSocketGoesToTmp() throws Exception {
		// Socket paths in it pass sun_path's 108 bytes, where bind fails.
		Path longTmpDir = Files.createDirectories(this.baseDir.resolve("t".repeat(100)));
		Tomcat tomcat = startTomcat();
		try {
			Path directory;
			try (TomcatPrivateChannel channel = TomcatPrivateChannel.open(tomcat.getService(), longTmpDir)) {
				assertThat(channel.get("/hello")).isEqualTo(200);
				directory = privateDirectory(tomcat);
				assertThat(directory.getParent()).isEqualTo(Path.of("/tmp"));
			}
			assertThat(directory).doesNotExist();
			try (var left = Files.list(longTmpDir)) {
				assertThat(left).isEmpty();
			}
		}
		finally {
			stop(tomcat);
		}
	}

	private Tomcat startTomcat() throws LifecycleException {
		Tomcat tomcat = new Tomcat();
		tomcat.setBaseDir(this.baseDir.toString());
		tomcat.setPort(0);
		Context context = tomcat.addContext("", this.baseDir.toString());
		Tomcat.addServlet(context, "hello", new HttpServlet() {
			@Override
			protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
				TomcatPrivateChannelTests.this.served.incrementAndGet();
				response.getWriter().write("hello");
			}
		});
		context.addServletMappingDecoded("/hello", "hello");
		tomcat.getConnector();
		tomcat.start();
		return tomcat;
	}

	private static void stop(Tomcat tomcat) throws LifecycleException {
		tomcat.stop();
		tomcat.destroy();
	}

	private static Path privateDirectory(Tomcat tomcat) {
		for (var connector : tomcat.getService().findConnectors()) {
			Object path = connector.getProperty("unixDomainSocketPath");
			if (path != null) {
				return Path.of(path.toString()).getParent();
			}
		}
		throw new AssertionError("no unix domain socket connector");
	}

}
