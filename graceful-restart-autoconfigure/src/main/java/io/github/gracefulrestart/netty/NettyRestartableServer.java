package io.github.gracefulrestart.netty;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.github.gracefulrestart.RestartableServer;

/**
 * A Reactor Netty server as a {@link RestartableServer}: its {@link GracefulNioServerSocketChannel
 * server channels} are the listeners. Stopping to accept leaves the shared sockets open; the
 * kept-alive connections end after their next response, which says {@code Connection: close}
 * during the drain (a web filter of the application's, as on any reactive server).
 */
final class NettyRestartableServer implements RestartableServer {

	private final List<NettyListeners.Named> channels;

	NettyRestartableServer(List<NettyListeners.Named> channels) {
		this.channels = channels;
	}

	@Override
	public String type() {
		return "netty";
	}

	@Override
	public List<Listener> listeners() {
		List<Listener> listeners = new ArrayList<>();
		for (NettyListeners.Named named : this.channels) {
			InetSocketAddress address = named.channel().localAddress();
			if (named.channel().isOpen() && address != null) {
				listeners.add(new Listener(named.name(), address));
			}
		}
		return listeners;
	}

	@Override
	public void startAccepting() {
		this.channels.forEach((named) -> named.channel().accepting(true));
	}

	@Override
	public void stopAccepting() {
		this.channels.forEach((named) -> named.channel().accepting(false));
	}

	@Override
	public int openConnections() {
		return this.channels.stream().mapToInt((named) -> named.channel().openConnections()).sum();
	}

}
