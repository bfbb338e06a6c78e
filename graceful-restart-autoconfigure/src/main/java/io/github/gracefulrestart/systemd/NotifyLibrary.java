package io.github.gracefulrestart.systemd;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;

/**
 * The libc calls for one datagram to a Unix socket, which neither the JDK (no
 * {@code AF_UNIX} datagrams) nor jnr-posix (no {@code sendto}) offers. Bound through
 * jnr-ffi.
 */
public interface NotifyLibrary {

	/** {@code AF_UNIX}. */
	int AF_UNIX = 1;

	/** {@code SOCK_DGRAM}. */
	int SOCK_DGRAM = 2;

	/** {@code SOCK_CLOEXEC}: the socket must not leak into generations. */
	int SOCK_CLOEXEC = 0x80000;

	/** {@code MSG_NOSIGNAL}. */
	int MSG_NOSIGNAL = 0x4000;

	int socket(int domain, int type, int protocol);

	long sendto(int fd, @In byte[] buffer, long length, int flags, Pointer address, int addressLength);

	int close(int fd);

}
