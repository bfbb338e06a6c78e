package io.github.gracefulrestart.netty;

import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * A Netty NIO server channel whose listening socket may be shared with another
 * generation.
 * <ul>
 * <li>It can wrap an inherited socket, already bound and listening: binding it again is
 * skipped, and it does not accept until {@link #accepting(boolean) told to}, when the
 * application is ready.</li>
 * <li>It stops accepting by dropping its interest in new connections, on its event loop:
 * the socket stays open and listening, and what waits in the shared backlog is the next
 * generation's. Closing it later only drops this process's descriptor (the JDK does not
 * call {@code shutdown(2)}).</li>
 * <li>It keeps the connections it accepted, to count them while it drains.</li>
 * </ul>
 */
public class GracefulNioServerSocketChannel extends NioServerSocketChannel {

	private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

	private volatile boolean held;

	/**
	 * A channel that binds its own socket and accepts as soon as it is bound, as Netty's
	 * does.
	 */
	public GracefulNioServerSocketChannel() {
	}

	/**
	 * A channel on an inherited, listening socket, not accepting until told to.
	 * @param inherited the socket
	 */
	public GracefulNioServerSocketChannel(ServerSocketChannel inherited) {
		super(inherited);
		this.held = true;
	}

	@Override
	protected void doBind(SocketAddress localAddress) throws Exception {
		if (!javaChannel().socket().isBound()) {
			super.doBind(localAddress);
		}
	}

	@Override
	protected void doBeginRead() throws Exception {
		if (!this.held) {
			super.doBeginRead();
		}
	}

	@Override
	protected int doReadMessages(List<Object> buf) throws Exception {
		int from = buf.size();
		int read = super.doReadMessages(buf);
		for (int i = from; i < buf.size(); i++) {
			if (buf.get(i) instanceof Channel connection) {
				this.connections.add(connection);
			}
		}
		return read;
	}

	/**
	 * Start or stop accepting connections, on the channel's event loop.
	 * @param accepting whether to accept
	 * @return done once the event loop did it
	 */
	public Future<?> accepting(boolean accepting) {
		return eventLoop().submit(() -> {
			this.held = !accepting;
			if (accepting) {
				read();
			}
			else {
				clearReadPending();
			}
		});
	}

	/**
	 * Return the connections this channel accepted that are open.
	 * @return the connections
	 */
	public List<Channel> connections() {
		return List.copyOf(this.connections);
	}

	/**
	 * Close the connections this channel accepted that are still open.
	 * @return done once they are closed
	 */
	public Future<?> closeConnections() {
		return this.connections.close();
	}

	/**
	 * Return how many of the connections this channel accepted are open.
	 * @return the number of connections
	 */
	public int openConnections() {
		return this.connections.size();
	}

}
