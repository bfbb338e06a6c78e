package io.github.gracefulrestart.tomcat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import io.github.gracefulrestart.RestartableServer.PrivateChannel;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;

/**
 * A Tomcat connector on a Unix domain socket in a directory only this user can enter: the
 * requests of the warm-up go through Tomcat's real connector, parser and pipeline, and no client
 * can reach it. Removed on {@link #close()}.
 */
final class TomcatPrivateChannel implements PrivateChannel {

	/** {@code sun_path} holds 108 bytes, the terminating NUL included. */
	private static final int MAX_SOCKET_PATH = 107;

	private static final Path FALLBACK_TMP_DIR = Path.of("/tmp");

	private static final String SOCKET_NAME = "http.sock";

	private final Service service;

	private final Connector connector;

	private final Path directory;

	private final Path socket;

	private TomcatPrivateChannel(Service service, Connector connector, Path directory, Path socket) {
		this.service = service;
		this.connector = connector;
		this.directory = directory;
		this.socket = socket;
	}

	static TomcatPrivateChannel open(Service service) throws IOException {
		return open(service, Path.of(System.getProperty("java.io.tmpdir")));
	}

	static TomcatPrivateChannel open(Service service, Path tmpDir) throws IOException {
		Path directory = privateDirectory(tmpDir);
		Path socket = directory.resolve(SOCKET_NAME);
		Connector connector = new Connector("HTTP/1.1");
		connector.setProperty("unixDomainSocketPath", socket.toString());
		service.addConnector(connector);
		if (connector.getState().isAvailable()) {
			return new TomcatPrivateChannel(service, connector, directory, socket);
		}
		service.removeConnector(connector);
		Files.deleteIfExists(directory);
		throw new IOException("the warm-up connector on " + socket + " did not start");
	}

	/**
	 * A new directory only this user can enter, in {@code tmpDir} when the socket's path there fits
	 * in {@code sun_path}, else in {@code /tmp}: a long {@code java.io.tmpdir} must not cost the
	 * warm-up (bind fails on a longer path).
	 */
	private static Path privateDirectory(Path tmpDir) throws IOException {
		for (Path parent : List.of(tmpDir, FALLBACK_TMP_DIR)) {
			Path directory = Files.createTempDirectory(parent, "graceful-restart-warmup-",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			if (directory.resolve(SOCKET_NAME).toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH) {
				return directory;
			}
			Files.delete(directory);
		}
		throw new IOException("a socket path in " + tmpDir + " or " + FALLBACK_TMP_DIR + " is longer than "
				+ MAX_SOCKET_PATH + " bytes");
	}

	@Override
	public int get(String path) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(this.socket));
			channel.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII)));
			ByteArrayOutputStream response = new ByteArrayOutputStream();
			ByteBuffer buffer = ByteBuffer.allocate(8192);
			while (channel.read(buffer) >= 0) {
				response.write(buffer.array(), 0, buffer.position());
				buffer.clear();
			}
			return statusOf(response.toString(StandardCharsets.ISO_8859_1));
		}
	}

	static int statusOf(String response) throws IOException {
		if (!response.startsWith("HTTP/1.1 ") || response.length() < 12) {
			throw new IOException("not an HTTP response: '" + response.lines().findFirst().orElse("") + "'");
		}
		return Integer.parseInt(response.substring(9, 12));
	}

	@Override
	public void close() {
		this.service.removeConnector(this.connector);
		try {
			this.connector.destroy();
		}
		catch (LifecycleException ex) {
			// removed already: nothing to release
		}
		try {
			Files.deleteIfExists(this.socket);
			Files.deleteIfExists(this.directory);
		}
		catch (IOException ex) {
			// a temp directory left behind
		}
	}

}
