package io.github.gracefulrestart.socket;

import java.net.InetAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The listening sockets this process inherited. Each server listener claims its socket by
 * name, address and port (never by order); what no listener claims is closed once the
 * application is ready, because connections would otherwise queue on it forever.
 */
public final class InheritedListeners {

	private static final Log logger = LogFactory.getLog(InheritedListeners.class);

	private final List<InheritedListener> unclaimed;

	private final List<InheritedListener> claimed = new ArrayList<>();

	private final Function<InheritedListener, ServerSocketChannel> adopter;

	/**
	 * Create an instance holding {@code listeners}, adopted with {@link ChannelAdopter}.
	 * @param listeners the inherited sockets
	 */
	public InheritedListeners(List<InheritedListener> listeners) {
		this(listeners, (listener) -> ChannelAdopter.adopt(listener.fd(), listener.inet6()));
	}

	/**
	 * Create an instance holding {@code listeners}, adopted by {@code adopter}.
	 * @param listeners the inherited sockets
	 * @param adopter makes a channel of a socket
	 */
	public InheritedListeners(List<InheritedListener> listeners,
			Function<InheritedListener, ServerSocketChannel> adopter) {
		this.unclaimed = new ArrayList<>(listeners);
		this.adopter = adopter;
	}

	/**
	 * Return an instance holding nothing: the first generation.
	 * @return the empty instance
	 */
	public static InheritedListeners none() {
		return new InheritedListeners(List.of());
	}

	/**
	 * Claim the socket of a listener, if one was handed over.
	 * @param name the listener's name
	 * @param host the configured address, or {@code null} for all interfaces
	 * @param port the configured port, or 0
	 * @return the adopted channel, or empty when the listener must bind as usual
	 */
	public synchronized Optional<ServerSocketChannel> claim(String name, InetAddress host, int port) {
		for (InheritedListener listener : this.unclaimed) {
			if (listener.matches(name, host, port)) {
				ServerSocketChannel channel = this.adopter.apply(listener);
				this.unclaimed.remove(listener);
				this.claimed.add(listener);
				logger.info("Listener '" + name + "' serves inherited socket " + listener.address() + " (fd "
						+ listener.fd() + ")");
				return Optional.of(channel);
			}
		}
		return Optional.empty();
	}

	/**
	 * Return the sockets claimed so far.
	 * @return the claimed sockets
	 */
	public synchronized List<InheritedListener> claimed() {
		return Collections.unmodifiableList(new ArrayList<>(this.claimed));
	}

	/**
	 * Close every socket that no listener claimed.
	 * @param close closes a descriptor
	 */
	public synchronized void closeUnclaimed(IntConsumer close) {
		for (InheritedListener listener : this.unclaimed) {
			logger.warn("No listener of this generation serves inherited socket '" + listener.name() + "' "
					+ listener.address() + "; closing it");
			close.accept(listener.fd());
		}
		this.unclaimed.clear();
	}

}
