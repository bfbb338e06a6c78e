package io.github.gracefulrestart.socket;

import java.io.FileDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * Wraps an inherited listening descriptor in a JDK {@link ServerSocketChannel}, the type
 * the selectors of Tomcat and Jetty accept. The JDK has no public way to do so for any
 * descriptor but 0 ({@code System.inheritedChannel()}), so this reaches
 * {@code sun.nio.ch} reflectively, which the JVM allows when started with
 * {@value #ADD_OPENS}; the restart machinery adds that flag to every generation it
 * starts.
 */
public final class ChannelAdopter {

	/** The JVM option that opens {@code sun.nio.ch} to the adopter. */
	public static final String ADD_OPENS = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";

	private ChannelAdopter() {
	}

	/**
	 * Whether this JVM lets the adopter reach {@code sun.nio.ch}.
	 * @return whether {@link #adopt(int, boolean)} can work
	 */
	public static boolean canAdopt() {
		return Object.class.getModule().isOpen("sun.nio.ch", ChannelAdopter.class.getModule());
	}

	/**
	 * Adopt the one listening socket of a JVM started without {@value #ADD_OPENS} (a
	 * first generation started by systemd socket activation): move it to descriptor 0 and
	 * take the JDK's public {@link System#inheritedChannel()}, which serves descriptor 0
	 * only and only once. Standard input is {@code /dev/null} for a service anyway.
	 * @param fd the descriptor
	 * @param dup2 copies a descriptor onto another
	 * @param close closes a descriptor
	 * @return the channel
	 * @throws IllegalStateException when descriptor 0 does not become a listening channel
	 */
	public static ServerSocketChannel adoptAsStandardInput(int fd, java.util.function.BiConsumer<Integer, Integer> dup2,
			java.util.function.IntConsumer close) {
		dup2.accept(fd, 0);
		close.accept(fd);
		try {
			if (System.inheritedChannel() instanceof ServerSocketChannel channel) {
				return channel;
			}
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException("Cannot take inherited socket fd " + fd + " as standard input", ex);
		}
		throw new IllegalStateException("Inherited socket fd " + fd + " is not a listening socket channel (or "
				+ "System.inheritedChannel() was taken already); start the JVM with " + ADD_OPENS);
	}

	/**
	 * Adopt a bound, listening socket descriptor.
	 * @param fd the descriptor
	 * @param inet6 whether it is an {@code AF_INET6} socket
	 * @return a blocking channel over it
	 * @throws IllegalStateException when {@code sun.nio.ch} is not open to this code
	 */
	public static ServerSocketChannel adopt(int fd, boolean inet6) {
		if (!canAdopt()) {
			throw new IllegalStateException(
					"Cannot adopt inherited socket fd " + fd + ": the JVM must be started with " + ADD_OPENS);
		}
		try {
			Method newFd = Class.forName("sun.nio.ch.IOUtil").getDeclaredMethod("newFD", int.class);
			newFd.setAccessible(true);
			FileDescriptor descriptor = (FileDescriptor) newFd.invoke(null, fd);
			Constructor<?> constructor = Class.forName("sun.nio.ch.ServerSocketChannelImpl")
				.getDeclaredConstructor(SelectorProvider.class, ProtocolFamily.class, FileDescriptor.class,
						boolean.class);
			constructor.setAccessible(true);
			ProtocolFamily family = inet6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
			return (ServerSocketChannel) constructor.newInstance(SelectorProvider.provider(), family, descriptor, true);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			throw new IllegalStateException("Cannot adopt inherited socket fd " + fd + " (" + ex
					+ "); the JVM must be started with " + ADD_OPENS, ex);
		}
	}

}
