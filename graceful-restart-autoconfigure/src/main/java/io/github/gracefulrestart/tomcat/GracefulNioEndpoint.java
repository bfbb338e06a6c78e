package io.github.gracefulrestart.tomcat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Optional;

import io.github.gracefulrestart.socket.InheritedListeners;
import org.apache.tomcat.util.net.Acceptor.AcceptorState;
import org.apache.tomcat.util.net.NioEndpoint;

/**
 * A {@link NioEndpoint} whose listening socket may be shared with another generation.
 * <ul>
 * <li>It serves an inherited socket, when one matches its name, address and port, instead
 * of binding; and it holds back from accepting on it until {@link #beginAccepting()},
 * called when the application is ready. Until then the previous generation alone accepts
 * from the shared backlog, so a generation that hangs or fails while starting has served
 * nobody.</li>
 * <li>It never wakes its acceptor by connecting to its own port (Tomcat's way): on a
 * shared socket that connection may reach the other process. It closes its channel
 * instead, which wakes a blocked {@code accept()} and only drops this process's
 * descriptor (the JDK does not call {@code shutdown(2)}), so the socket keeps listening
 * for the other process.</li>
 * <li>A connection accepted after the stop flag is served (its response says
 * {@code Connection: close}) rather than destroyed, which would reset a real client.</li>
 * </ul>
 */
public class GracefulNioEndpoint extends NioEndpoint {

	private static final Field SERVER_SOCK = serverSockField();

	private volatile InheritedListeners inherited = InheritedListeners.none();

	private volatile String listenerName = "server";

	private volatile boolean channelClosedHere;

	private volatile boolean holdAccepting;

	/**
	 * Set the listener name and the inherited sockets to claim from at bind time.
	 * @param listenerName the name the next generation matches this listener by
	 * @param inherited the sockets this process inherited
	 */
	void configure(String listenerName, InheritedListeners inherited) {
		this.listenerName = listenerName;
		this.inherited = inherited;
	}

	String getListenerName() {
		return this.listenerName;
	}

	@Override
	protected void initServerSocket() throws Exception {
		if (getUnixDomainSocketPath() == null && !getUseInheritedChannel()) {
			Optional<ServerSocketChannel> adopted = this.inherited.claim(this.listenerName, getAddress(),
					getPortWithOffset());
			if (adopted.isPresent()) {
				ServerSocketChannel channel = adopted.get();
				channel.configureBlocking(true);
				SERVER_SOCK.set(this, channel);
				this.holdAccepting = true;
				return;
			}
		}
		super.initServerSocket();
	}

	@Override
	protected void startAcceptorThread() {
		if (this.holdAccepting) {
			// startInternal() has just cleared the flag; the acceptor waits while it is
			// set.
			this.paused = true;
		}
		super.startAcceptorThread();
	}

	/**
	 * Start accepting on an inherited socket: the application is ready.
	 */
	void beginAccepting() {
		if (this.holdAccepting) {
			this.holdAccepting = false;
			resume();
		}
	}

	@Override
	protected void unlockAccept() {
		if (this.acceptor == null || this.acceptor.getState() != AcceptorState.RUNNING) {
			return;
		}
		NetworkChannel channel = getServerSocket();
		if (channel != null) {
			this.channelClosedHere = true;
			try {
				channel.close();
			}
			catch (IOException ex) {
				getLog().debug("Closing the server socket to unlock the acceptor failed", ex);
			}
		}
	}

	@Override
	protected SocketChannel serverSocketAccept() throws Exception {
		try {
			return super.serverSocketAccept();
		}
		catch (ClosedChannelException ex) {
			if (this.channelClosedHere) {
				// Woken by unlockAccept(): the acceptor sees the stop flag and leaves
				// quietly.
				return null;
			}
			throw ex;
		}
	}

	@Override
	protected void destroySocket(SocketChannel socket) {
		if (socket == null) {
			countDownConnection();
			return;
		}
		if (isRunning() && getPoller() != null) {
			// Accepted just as the acceptor was told to stop: a real client is on it.
			if (!setSocketOptions(socket)) {
				closeSocket(socket);
			}
			return;
		}
		super.destroySocket(socket);
	}

	/**
	 * Return the local address of the listening socket.
	 * @return the address, or {@code null} when not bound
	 */
	InetSocketAddress boundAddress() {
		try {
			return getLocalAddress();
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static Field serverSockField() {
		try {
			Field field = NioEndpoint.class.getDeclaredField("serverSock");
			field.setAccessible(true);
			return field;
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("This Tomcat's NioEndpoint has no serverSock field", ex);
		}
	}

}
