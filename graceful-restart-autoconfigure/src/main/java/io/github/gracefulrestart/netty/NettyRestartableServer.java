package io.github.gracefulrestart.netty;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.github.gracefulrestart.RestartableServer;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;

/**
 * A Reactor Netty server as a {@link RestartableServer}: its {@link GracefulNioServerSocketChannel
 * server channels} are the listeners. Stopping to accept leaves the shared sockets open; the
 * kept-alive connections end after their next response, which says {@code Connection: close}
 * during the drain (a web filter of the application's, as on any reactive server); WebSocket
 * connections get a close frame.
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

	/**
	 * Send a close frame on each connection that speaks WebSocket (an encoder of WebSocket frames in
	 * its pipeline), after what it is writing; Reactor Netty answers the client's close and ends the
	 * session.
	 */
	@Override
	public int closeWebSockets(int status, String reason) {
		List<Channel> webSockets = webSocketConnections();
		webSockets.forEach((connection) -> connection.writeAndFlush(new CloseWebSocketFrame(status, reason)));
		return webSockets.size();
	}

	@Override
	public int webSockets() {
		return webSocketConnections().size();
	}

	private List<Channel> webSocketConnections() {
		List<Channel> webSockets = new ArrayList<>();
		for (NettyListeners.Named named : this.channels) {
			for (Channel connection : named.channel().connections()) {
				if (connection.pipeline().get(WebSocketFrameEncoder.class) != null) {
					webSockets.add(connection);
				}
			}
		}
		return webSockets;
	}

	@Override
	public int openConnections() {
		return this.channels.stream().mapToInt((named) -> named.channel().openConnections()).sum();
	}

}
