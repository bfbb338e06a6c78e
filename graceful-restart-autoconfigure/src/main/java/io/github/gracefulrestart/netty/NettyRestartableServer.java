package io.github.gracefulrestart.netty;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.gracefulrestart.RestartableServer;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;

/**
 * A Reactor Netty server as a {@link RestartableServer}: its
 * {@link GracefulNioServerSocketChannel server channels} are the listeners. Stopping to
 * accept leaves the shared sockets open; the kept-alive connections end after their next
 * response, which says {@code Connection: close} during the drain (a web filter of the
 * application's, as on any reactive server); WebSocket connections get a close frame,
 * HTTP/2 connections a GOAWAY.
 */
final class NettyRestartableServer implements RestartableServer {

	private static final long SECOND_GOAWAY_DELAY_MILLIS = 1000;

	private final List<NettyListeners.Named> channels;

	private final Supplier<NettyListeners.Handler> handler;

	NettyRestartableServer(List<NettyListeners.Named> channels, Supplier<NettyListeners.Handler> handler) {
		this.channels = channels;
		this.handler = handler;
	}

	/**
	 * A server of its own on a private Unix domain socket, serving this server's handler.
	 */
	@Override
	public Optional<PrivateChannel> openPrivateChannel() throws IOException {
		NettyListeners.Handler serving = this.handler.get();
		return (serving != null) ? Optional.of(NettyPrivateChannel.open(serving)) : Optional.empty();
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
		for (NettyListeners.Named named : this.channels) {
			named.channel().connections().forEach(NettyRestartableServer::goAway);
		}
	}

	/**
	 * Tell an HTTP/2 connection to go, the two-step way of RFC 9113 (6.8): a GOAWAY with
	 * last-stream-id 2^31-1 at once, and a second later (time for the client to see it)
	 * one naming the last stream the server took, then Netty's graceful close, which lets
	 * the open streams finish. Netty's close alone sends only the second, racing with
	 * streams the client is opening.
	 */
	private static void goAway(Channel connection) {
		Http2ConnectionHandler http2 = connection.pipeline().get(Http2ConnectionHandler.class);
		ChannelHandlerContext context = (http2 != null) ? connection.pipeline().context(http2) : null;
		if (context == null) {
			return;
		}
		connection.eventLoop().execute(() -> {
			http2.goAway(context, Integer.MAX_VALUE, Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER,
					context.newPromise());
			context.flush();
			connection.eventLoop().schedule(() -> {
				http2.goAway(context, http2.connection().remote().lastStreamCreated(), Http2Error.NO_ERROR.code(),
						Unpooled.EMPTY_BUFFER, context.newPromise());
				context.flush();
				connection.close();
			}, SECOND_GOAWAY_DELAY_MILLIS, TimeUnit.MILLISECONDS);
		});
	}

	/**
	 * Send a close frame on each connection that speaks WebSocket (an encoder of
	 * WebSocket frames in its pipeline), after what it is writing; Reactor Netty answers
	 * the client's close and ends the session.
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
