package io.github.gracefulrestart.tomcat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TomcatPrivateChannel} on a real embedded Tomcat.
 */
class TomcatPrivateChannelTests {

	@TempDir
	Path baseDir;

	@Test
	void requestsReachTheApplicationOverAUnixSocketOnlyThisUserCanEnterAndCloseRemovesIt() throws Exception {
		Tomcat tomcat = new Tomcat();
		tomcat.setBaseDir(this.baseDir.toString());
		tomcat.setPort(0);
		Context context = tomcat.addContext("", this.baseDir.toString());
		int[] served = new int[1];
		Tomcat.addServlet(context, "hello", new HttpServlet() {
			@Override
			protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
				served[0]++;
				response.getWriter().write("hello");
			}
		});
		context.addServletMappingDecoded("/hello", "hello");
		tomcat.getConnector();
		tomcat.start();
		try {
			int connectorsBefore = tomcat.getService().findConnectors().length;
			Path directory;
			try (TomcatPrivateChannel channel = TomcatPrivateChannel.open(tomcat.getService())) {
				assertThat(channel.get("/hello")).isEqualTo(200);
				assertThat(channel.get("/missing")).isEqualTo(404);
				assertThat(served[0]).isEqualTo(1);
				assertThat(tomcat.getService().findConnectors()).hasSize(connectorsBefore + 1);
				directory = privateDirectory(tomcat);
				assertThat(Files.getPosixFilePermissions(directory)).extracting(Object::toString)
					.containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE", "OWNER_EXECUTE");
			}
			assertThat(tomcat.getService().findConnectors()).hasSize(connectorsBefore);
			assertThat(directory).doesNotExist();
		}
		finally {
			tomcat.stop();
			tomcat.destroy();
		}
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
