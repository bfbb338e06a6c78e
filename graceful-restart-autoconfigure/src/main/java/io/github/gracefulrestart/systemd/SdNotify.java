package io.github.gracefulrestart.systemd;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The sd_notify(3) protocol: newline-separated {@code KEY=value} assignments in one
 * datagram to the Unix socket named by {@code NOTIFY_SOCKET}, a path or, with a leading
 * {@code @}, a name in the abstract namespace. A notification that cannot be sent is
 * logged, never thrown: the service manager's view must not break the application.
 */
public final class SdNotify {

	/** The variable systemd sets for {@code Type=notify} services. */
	public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";

	private static final int SUN_PATH_SIZE = 108;

	private static final Log logger = LogFactory.getLog(SdNotify.class);

	private final NotifyLibrary libc;

	private final Runtime runtime;

	private final byte[] address;

	private final String socket;

	private SdNotify(NotifyLibrary libc, String socket) {
		this.libc = libc;
		this.runtime = Runtime.getRuntime(libc);
		this.socket = socket;
		this.address = socketAddress(socket);
	}

	/**
	 * Return a notifier for the socket in {@code NOTIFY_SOCKET}, if set.
	 * @param environment the environment
	 * @return the notifier, empty when the service manager expects no notification
	 * @throws IllegalArgumentException when the socket name does not fit a Unix socket
	 * address
	 */
	public static Optional<SdNotify> fromEnvironment(Map<String, String> environment) {
		String socket = environment.get(NOTIFY_SOCKET);
		if (socket == null || socket.isEmpty()) {
			return Optional.empty();
		}
		return Optional.of(new SdNotify(LibraryLoader.create(NotifyLibrary.class).load("c"), socket));
	}

	/**
	 * Send one notification.
	 * @param assignments the {@code KEY=value} lines
	 * @return whether it was sent
	 */
	public boolean notify(String... assignments) {
		byte[] message = String.join("\n", assignments).getBytes(StandardCharsets.UTF_8);
		int fd = this.libc.socket(NotifyLibrary.AF_UNIX, NotifyLibrary.SOCK_DGRAM | NotifyLibrary.SOCK_CLOEXEC, 0);
		if (fd < 0) {
			logger.warn("Cannot notify " + this.socket + ": socket() failed");
			return false;
		}
		try {
			Pointer to = Memory.allocateDirect(this.runtime, this.address.length);
			to.put(0, this.address, 0, this.address.length);
			long sent = this.libc.sendto(fd, message, message.length, NotifyLibrary.MSG_NOSIGNAL, to,
					this.address.length);
			if (sent != message.length) {
				logger.warn("Cannot notify " + this.socket + " of " + String.join(" ", assignments));
				return false;
			}
			return true;
		}
		finally {
			this.libc.close(fd);
		}
	}

	/**
	 * A {@code struct sockaddr_un}: the family, then the path with its terminating zero,
	 * or for an abstract name a zero byte and the name, without terminator (its length
	 * counts).
	 */
	static byte[] socketAddress(String socket) {
		byte[] name = socket.getBytes(StandardCharsets.UTF_8);
		boolean abstractName = name[0] == '@';
		int length = abstractName ? name.length : name.length + 1;
		if (length > SUN_PATH_SIZE) {
			throw new IllegalArgumentException(NOTIFY_SOCKET + " '" + socket + "' is longer than a Unix socket path");
		}
		byte[] address = new byte[2 + length];
		address[0] = (byte) NotifyLibrary.AF_UNIX;
		System.arraycopy(name, 0, address, 2, name.length);
		if (abstractName) {
			address[2] = 0;
		}
		return address;
	}

}
