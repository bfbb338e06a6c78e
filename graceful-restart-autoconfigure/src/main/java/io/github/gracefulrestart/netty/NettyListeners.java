package io.github.gracefulrestart.netty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import io.github.gracefulrestart.RestartableServer;
import io.github.gracefulrestart.socket.InheritedListeners;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * The server channels of this generation's Reactor Netty servers. Reactor Netty creates a
 * server's channel through its {@link LoopResources} ({@code onChannel}), so a server run
 * on {@link #loopResources the loop resources this returns} gets a
 * {@link GracefulNioServerSocketChannel}: on the inherited socket of its listener when
 * there is one, on a socket of its own otherwise. Those channels are NIO channels, so the
 * server must run on NIO event loops.
 */
public final class NettyListeners {

	private static final Log logger = LogFactory.getLog(NettyListeners.class);

	private final InheritedListeners inherited;

	private final List<Named> channels = new CopyOnWriteArrayList<>();

	private final Map<String, Supplier<Handler>> handlers = new ConcurrentHashMap<>();

	/** What serves a server's requests: Reactor Netty's handler type. */
	public interface Handler extends BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> {

	}

	/**
	 * Create the listeners of this generation.
	 * @param inherited the sockets this process inherited
	 */
	public NettyListeners(InheritedListeners inherited) {
		this.inherited = inherited;
		logger.info("Reactor Netty runs on NIO event loops (not epoll), so that a new generation can adopt its"
				+ " listening sockets");
	}

	/**
	 * Return loop resources that give a server listening on {@code address} its graceful
	 * channel and otherwise do what {@code delegate} does.
	 * @param delegate the loop resources the server would run on
	 * @param name the listener's name, which the next generation matches it by
	 * @param address the address the server binds, read when it binds
	 * @return the loop resources
	 */
	public LoopResources loopResources(LoopResources delegate, String name, Supplier<? extends SocketAddress> address) {
		return new ListenerLoopResources(delegate, name, address);
	}

	/**
	 * Set what serves the requests of a listener's server, for its private warm-up
	 * server.
	 * @param name the listener's name
	 * @param handler the handler, read when the warm-up starts (null when none)
	 */
	public void handler(String name, Supplier<Handler> handler) {
		this.handlers.put(name, handler);
	}

	/**
	 * Return the restartable view of the channels listening on {@code port}.
	 * @param port a server's port
	 * @return the server, or empty when no channel of this generation listens there
	 */
	public Optional<RestartableServer> server(int port) {
		List<Named> listening = onPort(port);
		if (listening.isEmpty()) {
			return Optional.empty();
		}
		Supplier<Handler> handler = this.handlers.getOrDefault(listening.get(0).name(), () -> null);
		return Optional.of(new NettyRestartableServer(listening, handler));
	}

	/**
	 * Close the connections still open on the channels listening on {@code port}, and
	 * wait for them to be closed (at most ten seconds).
	 * @param port a server's port
	 */
	public void closeConnections(int port) {
		for (Named named : onPort(port)) {
			named.channel().closeConnections().awaitUninterruptibly(10, TimeUnit.SECONDS);
		}
	}

	private List<Named> onPort(int port) {
		return this.channels.stream()
			.filter((named) -> named.channel().localAddress() != null
					&& named.channel().localAddress().getPort() == port)
			.toList();
	}

	private GracefulNioServerSocketChannel newChannel(String name, InetSocketAddress address) {
		// Spring Boot binds Netty to the wildcard address when none is configured: all
		// interfaces.
		InetAddress host = address.getAddress().isAnyLocalAddress() ? null : address.getAddress();
		Optional<ServerSocketChannel> adopted = this.inherited.claim(name, host, address.getPort());
		GracefulNioServerSocketChannel channel = adopted.map(GracefulNioServerSocketChannel::new)
			.orElseGet(GracefulNioServerSocketChannel::new);
		if (logger.isDebugEnabled()) {
			logger.debug("Listener '" + name + "' on " + address + ": "
					+ (adopted.isPresent() ? "the inherited socket" : "a socket of its own"));
		}
		this.channels.removeIf((named) -> !named.channel().isOpen());
		this.channels.add(new Named(name, channel));
		return channel;
	}

	/** A server channel and its listener's name. */
	record Named(String name, GracefulNioServerSocketChannel channel) {

	}

	private final class ListenerLoopResources implements LoopResources {

		private final LoopResources delegate;

		private final String name;

		private final Supplier<? extends SocketAddress> address;

		ListenerLoopResources(LoopResources delegate, String name, Supplier<? extends SocketAddress> address) {
			this.delegate = delegate;
			this.name = name;
			this.address = address;
		}

		@Override
		public <C extends Channel> C onChannel(Class<C> type, EventLoopGroup group) {
			if (type == io.netty.channel.socket.ServerSocketChannel.class
					&& this.address.get() instanceof InetSocketAddress address) {
				return type.cast(newChannel(this.name, address));
			}
			return this.delegate.onChannel(type, group);
		}

		@Override
		@SuppressWarnings("unchecked")
		public <C extends Channel> Class<? extends C> onChannelClass(Class<C> type, EventLoopGroup group) {
			if (type == io.netty.channel.socket.ServerSocketChannel.class) {
				return (Class<? extends C>) GracefulNioServerSocketChannel.class;
			}
			return this.delegate.onChannelClass(type, group);
		}

		@Override
		public EventLoopGroup onServer(boolean useNative) {
			return this.delegate.onServer(useNative);
		}

		@Override
		public EventLoopGroup onServerSelect(boolean useNative) {
			return this.delegate.onServerSelect(useNative);
		}

		@Override
		public EventLoopGroup onClient(boolean useNative) {
			return this.delegate.onClient(useNative);
		}

		@Override
		public boolean daemon() {
			return this.delegate.daemon();
		}

		@Override
		public void dispose() {
			this.delegate.dispose();
		}

		@Override
		public Mono<Void> disposeLater() {
			return this.delegate.disposeLater();
		}

		@Override
		public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
			return this.delegate.disposeLater(quietPeriod, timeout);
		}

		@Override
		public boolean isDisposed() {
			return this.delegate.isDisposed();
		}

	}

}
