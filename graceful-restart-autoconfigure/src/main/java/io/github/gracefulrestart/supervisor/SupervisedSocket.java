package io.github.gracefulrestart.supervisor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.gracefulrestart.process.NativeOs;
import io.github.gracefulrestart.socket.InheritedListener;
import io.github.gracefulrestart.socket.ListeningSocket;
import io.github.gracefulrestart.socket.ProcSocketTable;
import io.github.gracefulrestart.systemd.SocketActivation;

/**
 * A listening socket the supervisor holds for the life of the service and hands to every
 * generation.
 *
 * @param name the listener it serves ({@code server}, {@code management})
 * @param socket its descriptor and address in the supervisor
 * @param activated whether systemd socket activation passed it
 * @param channel the channel that keeps it open, null for an activated socket
 */
public record SupervisedSocket(String name, ListeningSocket socket, boolean activated, ServerSocketChannel channel) {

	/**
	 * The backlog of the sockets the supervisor binds: connections wait there while no
	 * generation accepts (a crash, a takeover on a busy machine), so it is larger than
	 * Tomcat's default 100.
	 */
	static final int BACKLOG = 1024;

	/**
	 * Take the sockets systemd passed to this process, if any, and bind every configured
	 * listener none of them serves.
	 * @param configured the listeners the application configures, by name; a null host is
	 * every interface, port 0 any port
	 * @param environment this process's environment
	 * @param os the native calls
	 * @return the sockets
	 * @throws UncheckedIOException when a listener cannot be bound (its address is in
	 * use)
	 */
	public static List<SupervisedSocket> open(Map<String, InetSocketAddress> configured,
			Map<String, String> environment, NativeOs os) {
		ProcSocketTable table = new ProcSocketTable();
		List<SupervisedSocket> sockets = new ArrayList<>();
		List<InheritedListener> activated = SocketActivation.activatedSockets(environment, os, table).orElse(List.of());
		for (InheritedListener listener : activated) {
			sockets.add(new SupervisedSocket(listener.name(),
					new ListeningSocket(listener.fd(), listener.address(), listener.inet6()), true, null));
		}
		configured.forEach((name, address) -> {
			InetAddress host = address.getAddress().isAnyLocalAddress() ? null : address.getAddress();
			if (activated.stream().noneMatch((listener) -> listener.matches(name, host, address.getPort()))) {
				sockets.add(bind(name, address, table));
			}
		});
		return sockets;
	}

	private static SupervisedSocket bind(String name, InetSocketAddress address, ProcSocketTable table) {
		try {
			ServerSocketChannel channel = ServerSocketChannel.open();
			try {
				channel.bind(address, BACKLOG);
				InetSocketAddress bound = (InetSocketAddress) channel.getLocalAddress();
				ListeningSocket socket = table.find(bound)
					.orElseThrow(() -> new IOException("bound " + bound + " but cannot find its descriptor in /proc"));
				return new SupervisedSocket(name, socket, false, channel);
			}
			catch (IOException ex) {
				channel.close();
				throw ex;
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(
					"Cannot listen on " + address + " for listener '" + name + "': " + ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return this.name + " " + this.socket.address() + " (fd " + this.socket.fd() + ")";
	}

}
