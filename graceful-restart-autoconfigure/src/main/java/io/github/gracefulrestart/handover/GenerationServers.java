package io.github.gracefulrestart.handover;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.github.gracefulrestart.RestartableServer;
import io.github.gracefulrestart.socket.InheritedListener;
import io.github.gracefulrestart.socket.ListeningSocket;
import io.github.gracefulrestart.socket.ProcSocketTable;

/**
 * What a generation serves with: its running web servers, their listening sockets as this
 * process holds them, and their open connections by kind.
 */
final class GenerationServers {

	private final Supplier<List<RestartableServer>> servers;

	private final ProcSocketTable sockets = new ProcSocketTable();

	private final Handoff handoff;

	private volatile Supplier<Map<String, Integer>> connectionKinds = Map::of;

	GenerationServers(Supplier<List<RestartableServer>> servers, Handoff handoff) {
		this.servers = servers;
		this.handoff = handoff;
	}

	List<RestartableServer> running() {
		return this.servers.get();
	}

	void useConnectionKinds(Supplier<Map<String, Integer>> kinds) {
		this.connectionKinds = kinds;
	}

	/**
	 * Return the listening socket of each listener of {@code running}, to hand to the
	 * next generation.
	 * @throws IllegalStateException when a listener has no socket in this process
	 */
	Sockets listeningSockets(List<RestartableServer> running) {
		List<String> names = new ArrayList<>();
		List<ListeningSocket> sockets = new ArrayList<>();
		for (RestartableServer server : running) {
			for (RestartableServer.Listener listener : server.listeners()) {
				ListeningSocket socket = this.sockets.find(listener.address())
					.orElseThrow(() -> new IllegalStateException("No listening socket of this process is bound to "
							+ listener.address() + " (listener '" + listener.name() + "')"));
				names.add(listener.name());
				sockets.add(socket);
			}
		}
		return new Sockets(names, sockets);
	}

	/**
	 * The kinds of the running servers, such as {@code tomcat}, or null when none runs.
	 */
	static String types(List<RestartableServer> running) {
		return running.stream().map(RestartableServer::type).distinct().reduce((a, b) -> a + "," + b).orElse(null);
	}

	List<RestartStatus.ListenerStatus> listeners(List<RestartableServer> running) {
		List<RestartStatus.ListenerStatus> listeners = new ArrayList<>();
		List<String> inherited = this.handoff.listeners().claimed().stream().map(InheritedListener::name).toList();
		for (RestartableServer each : running) {
			for (RestartableServer.Listener listener : each.listeners()) {
				Integer fd = this.sockets.find(listener.address()).map(ListeningSocket::fd).orElse(null);
				listeners.add(new RestartStatus.ListenerStatus(listener.name(), format(listener.address()), fd,
						inherited.contains(listener.name())));
			}
		}
		return listeners;
	}

	/**
	 * Count the open connections of {@code running} by kind: the long-lived kinds as
	 * told, the rest {@code http}; kinds without a connection are left out.
	 */
	Map<String, Integer> openByKind(List<RestartableServer> running) {
		int http = running.stream().mapToInt(RestartableServer::openConnections).sum();
		Map<String, Integer> longLived = new LinkedHashMap<>();
		for (Map.Entry<String, Integer> kind : this.connectionKinds.get().entrySet()) {
			if (kind.getValue() > 0) {
				longLived.put(kind.getKey(), kind.getValue());
				http -= kind.getValue();
			}
		}
		Map<String, Integer> all = new LinkedHashMap<>();
		if (http > 0) {
			all.put("http", http);
		}
		all.putAll(longLived);
		return all;
	}

	private static String format(InetSocketAddress address) {
		String host = address.getAddress().getHostAddress();
		return (address.getAddress() instanceof Inet6Address) ? "[" + host + "]:" + address.getPort()
				: host + ":" + address.getPort();
	}

	/**
	 * The listening sockets handed to the next generation.
	 *
	 * @param names the listeners' names, in order
	 * @param sockets their sockets, in the same order
	 */
	record Sockets(List<String> names, List<ListeningSocket> sockets) {

	}

}
