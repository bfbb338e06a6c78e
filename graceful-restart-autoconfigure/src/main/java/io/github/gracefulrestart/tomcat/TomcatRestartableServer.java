package io.github.gracefulrestart.tomcat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.gracefulrestart.RestartableServer;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * An embedded Tomcat as a {@link RestartableServer}: every connector on a
 * {@link GracefulNioProtocol} is a listener. Stopping to accept uses Tomcat's
 * {@code closeServerSocketGraceful()} without {@code pause()}: pause answers requests on
 * kept-alive connections with 503, whereas closing the server socket gracefully only turns
 * keep-alive off, so each connection ends after its current request with {@code Connection: close}.
 * HTTP/2 connections get a GOAWAY ({@link Http2GoAway}).
 */
public class TomcatRestartableServer implements RestartableServer {

	private final Tomcat tomcat;

	/**
	 * Create an instance for a running Tomcat.
	 * @param tomcat the Tomcat
	 */
	public TomcatRestartableServer(Tomcat tomcat) {
		this.tomcat = tomcat;
	}

	@Override
	public String type() {
		return "tomcat";
	}

	@Override
	public List<Listener> listeners() {
		List<Listener> listeners = new ArrayList<>();
		for (GracefulNioProtocol protocol : protocols()) {
			InetSocketAddress address = protocol.getBoundAddress();
			if (address != null) {
				listeners.add(new Listener(protocol.getListenerName(), address));
			}
		}
		return listeners;
	}

	@Override
	public void startAccepting() {
		protocols().forEach(GracefulNioProtocol::beginAccepting);
	}

	@Override
	public void stopAccepting() {
		List<GracefulNioProtocol> protocols = protocols();
		protocols.forEach(GracefulNioProtocol::closeServerSocketGraceful);
		Http2GoAway.start(this.tomcat.getServer().getUtilityExecutor(), protocols);
	}

	@Override
	public int openConnections() {
		return protocols().stream().mapToInt(GracefulNioProtocol::getOpenConnections).sum();
	}

	@Override
	public Optional<PrivateChannel> openPrivateChannel() throws IOException {
		return Optional.of(TomcatPrivateChannel.open(this.tomcat.getService()));
	}

	private List<GracefulNioProtocol> protocols() {
		List<GracefulNioProtocol> protocols = new ArrayList<>();
		for (Service service : this.tomcat.getServer().findServices()) {
			for (Connector connector : service.findConnectors()) {
				if (connector.getProtocolHandler() instanceof GracefulNioProtocol protocol) {
					protocols.add(protocol);
				}
			}
		}
		return protocols;
	}

}
