package io.github.gracefulrestart.socket;

import java.net.InetSocketAddress;

/**
 * A listening socket handed over by the previous generation: which listener it served,
 * the descriptor it sits at here, its family and its local address.
 *
 * @param name the listener's name ({@code server}, {@code management}, ...)
 * @param fd the descriptor in this process
 * @param inet6 whether the socket is of the {@code AF_INET6} family
 * @param address the local address
 * @param activated whether systemd socket activation passed it: its address is the socket
 * unit's business, so it matches by name or configured port whatever the configured
 * address
 */
public record InheritedListener(String name, int fd, boolean inet6, InetSocketAddress address, boolean activated) {

	/**
	 * Create a listener handed over by a previous generation.
	 * @param name the listener's name
	 * @param fd the descriptor in this process
	 * @param inet6 whether the socket is of the {@code AF_INET6} family
	 * @param address the local address
	 */
	public InheritedListener(String name, int fd, boolean inet6, InetSocketAddress address) {
		this(name, fd, inet6, address, false);
	}

	/**
	 * Whether a listener configured with {@code host} (null for all interfaces) and
	 * {@code port} (0 for any) is served by this socket.
	 * @param listenerName the listener's name
	 * @param host the configured address, or {@code null}
	 * @param port the configured port, or 0
	 * @return whether it matches
	 */
	public boolean matches(String listenerName, java.net.InetAddress host, int port) {
		if (this.activated) {
			return this.name.equals(listenerName) || (port != 0 && port == this.address.getPort());
		}
		boolean addressMatches = (host == null) ? this.address.getAddress().isAnyLocalAddress()
				: host.equals(this.address.getAddress());
		return this.name.equals(listenerName) && addressMatches && (port == 0 || port == this.address.getPort());
	}

}
