package io.github.gracefulrestart.tomcat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.github.gracefulrestart.socket.InheritedListeners;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * Tomcat's NIO HTTP/1.1 protocol on a {@link GracefulNioEndpoint}. Tomcat creates
 * protocols by class name, so this is what a connector names to take part in graceful
 * restarts.
 */
public class GracefulNioProtocol extends Http11NioProtocol {

	/**
	 * Create the protocol.
	 */
	public GracefulNioProtocol() {
		super(new GracefulNioEndpoint());
	}

	/**
	 * Set the listener name and the inherited sockets; call before the connector starts.
	 * @param listenerName the name the next generation matches this listener by
	 * @param inherited the sockets this process inherited
	 */
	public void configure(String listenerName, InheritedListeners inherited) {
		endpoint().configure(listenerName, inherited);
	}

	/**
	 * Return the listener name.
	 * @return the name
	 */
	public String getListenerName() {
		return endpoint().getListenerName();
	}

	/**
	 * Return the local address of the listening socket.
	 * @return the address, or {@code null} when not bound
	 */
	public InetSocketAddress getBoundAddress() {
		return endpoint().boundAddress();
	}

	/**
	 * Start accepting on an inherited socket, held back until the application is ready.
	 */
	public void beginAccepting() {
		endpoint().beginAccepting();
	}

	/**
	 * Return how many client connections are open.
	 * @return the number of connections
	 */
	public int getOpenConnections() {
		return endpoint().getConnections().size();
	}

	/**
	 * Return the processors of the connections that wait for their next event; a
	 * connection being processed has none at hand.
	 * @return the processors
	 */
	List<Object> waitingProcessors() {
		List<Object> processors = new ArrayList<>();
		if (endpoint().isRunning()) {
			for (SocketWrapperBase<?> connection : endpoint().getConnections()) {
				Object processor = connection.getCurrentProcessor();
				if (processor != null) {
					processors.add(processor);
				}
			}
		}
		return processors;
	}

	private GracefulNioEndpoint endpoint() {
		return (GracefulNioEndpoint) getEndpoint();
	}

}
