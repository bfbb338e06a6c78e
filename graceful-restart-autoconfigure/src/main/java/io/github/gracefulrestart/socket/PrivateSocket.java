package io.github.gracefulrestart.socket;

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

/**
 * A Unix domain socket in a new directory only this user can enter, for a server's
 * private warm-up listener, and the HTTP/1.1 {@code GET} the warm-up sends on it. No
 * other user can connect; the directory is new, so nothing another user prepared is
 * followed.
 */
public final class PrivateSocket {

	/** {@code sun_path} holds 108 bytes, the terminating NUL included. */
	private static final int MAX_SOCKET_PATH = 107;

	private static final Path FALLBACK_TMP_DIR = Path.of("/tmp");

	private static final String SOCKET_NAME = "http.sock";

	private final Path directory;

	private final Path socket;

	private PrivateSocket(Path directory) {
		this.directory = directory;
		this.socket = directory.resolve(SOCKET_NAME);
	}

	/**
	 * Make a new private directory for the socket, in {@code tmpDir} when the socket's
	 * path there fits in {@code sun_path}, else in {@code /tmp}: a long
	 * {@code java.io.tmpdir} must not cost the warm-up (bind fails on a longer path).
	 * @param tmpDir where to make it first
	 * @return the socket (not yet bound)
	 * @throws IOException when no directory could be made
	 */
	public static PrivateSocket create(Path tmpDir) throws IOException {
		for (Path parent : List.of(tmpDir, FALLBACK_TMP_DIR)) {
			Path directory = Files.createTempDirectory(parent, "graceful-restart-warmup-",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			if (directory.resolve(SOCKET_NAME).toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH) {
				return new PrivateSocket(directory);
			}
			Files.delete(directory);
		}
		throw new IOException("a socket path in " + tmpDir + " or " + FALLBACK_TMP_DIR + " is longer than "
				+ MAX_SOCKET_PATH + " bytes");
	}

	/**
	 * Return the socket's path.
	 * @return the path
	 */
	public Path path() {
		return this.socket;
	}

	/**
	 * Return the directory it is in.
	 * @return the directory
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * Send {@code GET path} on a connection of its own and read the whole response.
	 * @param path the request path
	 * @return the response's status
	 * @throws IOException when there is no HTTP response
	 */
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

	/**
	 * Return the status of an HTTP/1.1 response.
	 * @param response the response
	 * @return its status
	 * @throws IOException when it is no HTTP/1.1 response
	 */
	public static int statusOf(String response) throws IOException {
		if (!response.startsWith("HTTP/1.1 ") || response.length() < 12) {
			throw new IOException("not an HTTP response: '" + response.lines().findFirst().orElse("") + "'");
		}
		return Integer.parseInt(response.substring(9, 12));
	}

	/**
	 * Remove the socket and its directory; a directory left behind is only an empty temp
	 * directory.
	 */
	public void delete() {
		try {
			Files.deleteIfExists(this.socket);
			Files.deleteIfExists(this.directory);
		}
		catch (IOException ex) {
			// a temp directory left behind
		}
	}

}
