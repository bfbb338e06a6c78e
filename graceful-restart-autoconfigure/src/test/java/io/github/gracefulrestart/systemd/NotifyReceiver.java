package io.github.gracefulrestart.systemd;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Out;

/**
 * A Unix datagram socket that receives notifications, as systemd's {@code NOTIFY_SOCKET}
 * does. The JDK has no {@code AF_UNIX} datagram sockets, so this binds libc through
 * jnr-ffi.
 */
public final class NotifyReceiver implements AutoCloseable {

	private static final Libc libc = LibraryLoader.create(Libc.class).load("c");

	private final int fd;

	private final String name;

	private NotifyReceiver(int fd, String name) {
		this.fd = fd;
		this.name = name;
	}

	/**
	 * Bind a receiver at a path, or at an abstract name when {@code name} starts with
	 * {@code @}.
	 * @param name the socket's name, as {@code NOTIFY_SOCKET} gives it
	 * @return the receiver
	 */
	public static NotifyReceiver bind(String name) {
		int fd = libc.socket(NotifyLibrary.AF_UNIX, NotifyLibrary.SOCK_DGRAM | NotifyLibrary.SOCK_CLOEXEC, 0);
		byte[] address = SdNotify.socketAddress(name);
		Pointer pointer = Memory.allocateDirect(Runtime.getRuntime(libc), address.length);
		pointer.put(0, address, 0, address.length);
		if (libc.bind(fd, pointer, address.length) != 0) {
			libc.close(fd);
			throw new IllegalStateException("bind(" + name + ") failed");
		}
		return new NotifyReceiver(fd, name);
	}

	/**
	 * Bind a receiver at a fresh path in {@code dir}.
	 * @param dir the directory
	 * @return the receiver
	 */
	public static NotifyReceiver bindIn(Path dir) {
		return bind(dir.resolve("notify.sock").toString());
	}

	/**
	 * Return the name to put in {@code NOTIFY_SOCKET}.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Wait for the next notification.
	 * @return its text
	 */
	public String receive() {
		byte[] buffer = new byte[4096];
		long count = libc.recv(this.fd, buffer, buffer.length, 0);
		if (count < 0) {
			throw new IllegalStateException("recv failed");
		}
		return new String(buffer, 0, (int) count, StandardCharsets.UTF_8);
	}

	/**
	 * Receive every notification on a daemon thread from now until this receiver is
	 * closed.
	 * @return the notifications in the order they came, a list that grows as they come
	 */
	public List<String> collect() {
		List<String> received = new CopyOnWriteArrayList<>();
		Thread thread = new Thread(() -> {
			try {
				while (true) {
					received.add(receive());
				}
			}
			catch (IllegalStateException ex) {
				// closed
			}
		}, "notify-receiver");
		thread.setDaemon(true);
		thread.start();
		return received;
	}

	@Override
	public void close() {
		// shutdown(2) wakes a thread blocked in recv(2); close alone would not.
		libc.shutdown(this.fd, 2);
		libc.close(this.fd);
	}

	/**
	 * The libc calls a receiving socket needs.
	 */
	public interface Libc {

		int socket(int domain, int type, int protocol);

		int bind(int fd, Pointer address, int length);

		long recv(int fd, @Out byte[] buffer, long length, int flags);

		int shutdown(int fd, int how);

		int close(int fd);

	}

}
