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
 * The path of a Unix domain socket in a new directory only this user can enter, for the warm-up's
 * requests to a server's real connector code, which no client can reach; and the client side of
 * those requests: one connection per request, {@code Connection: close}, as a client that does
 * not keep connections alive would send it. {@link #close()} removes the socket and the directory.
 */
public final class PrivateUnixSocket implements AutoCloseable {

	/** {@code sun_path} holds 108 bytes, the terminating NUL included. */
	private static final int MAX_SOCKET_PATH = 107;

	private static final Path FALLBACK_TMP_DIR = Path.of("/tmp");

	private static final String SOCKET_NAME = "http.sock";

	private final Path directory;

	private final Path path;

	private PrivateUnixSocket(Path directory) {
		this.directory = directory;
		this.path = directory.resolve(SOCKET_NAME);
	}

	/**
	 * A socket path in a new directory only this user can enter, in {@code tmpDir} when the path
	 * there fits in {@code sun_path}, else in {@code /tmp}: a long {@code java.io.tmpdir} must not
	 * cost the warm-up (bind fails on a longer path).
	 * @param tmpDir where to create the directory
	 * @return the socket's path, nothing bound to it yet
	 * @throws IOException if no directory could be created
	 */
	public static PrivateUnixSocket create(Path tmpDir) throws IOException {
		for (Path parent : List.of(tmpDir, FALLBACK_TMP_DIR)) {
			Path directory = Files.createTempDirectory(parent, "graceful-restart-warmup-",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			if (directory.resolve(SOCKET_NAME).toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH) {
				return new PrivateUnixSocket(directory);
			}
			Files.delete(directory);
		}
		throw new IOException("a socket path in " + tmpDir + " or " + FALLBACK_TMP_DIR + " is longer than "
				+ MAX_SOCKET_PATH + " bytes");
	}

	/**
	 * Where to bind the socket.
	 * @return the path
	 */
	public Path path() {
		return this.path;
	}

	/**
	 * {@code GET path} on a new connection to the socket.
	 * @param requestPath the request's path
	 * @return the response's status
	 * @throws IOException if the request failed or the answer was no HTTP response
	 */
	public int get(String requestPath) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(this.path));
			channel.write(ByteBuffer.wrap(("GET " + requestPath + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
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
		try {
			Files.deleteIfExists(this.path);
			Files.deleteIfExists(this.directory);
		}
		catch (IOException ex) {
			// a temp directory left behind
		}
	}

}
