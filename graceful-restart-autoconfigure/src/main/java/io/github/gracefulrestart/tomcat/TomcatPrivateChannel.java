package io.github.gracefulrestart.tomcat;

import java.io.IOException;
import java.nio.file.Path;

import io.github.gracefulrestart.RestartableServer.PrivateChannel;
import io.github.gracefulrestart.socket.PrivateSocket;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;

/**
 * A Tomcat connector on a Unix domain socket in a directory only this user can enter: the
 * requests of the warm-up go through Tomcat's real connector, parser and pipeline, and no
 * client can reach it. Removed on {@link #close()}.
 */
final class TomcatPrivateChannel implements PrivateChannel {

	private final Service service;

	private final Connector connector;

	private final PrivateSocket socket;

	private TomcatPrivateChannel(Service service, Connector connector, PrivateSocket socket) {
		this.service = service;
		this.connector = connector;
		this.socket = socket;
	}

	static TomcatPrivateChannel open(Service service) throws IOException {
		return open(service, Path.of(System.getProperty("java.io.tmpdir")));
	}

	static TomcatPrivateChannel open(Service service, Path tmpDir) throws IOException {
		PrivateSocket socket = PrivateSocket.create(tmpDir);
		Connector connector = new Connector("HTTP/1.1");
		connector.setProperty("unixDomainSocketPath", socket.path().toString());
		service.addConnector(connector);
		if (connector.getState().isAvailable()) {
			return new TomcatPrivateChannel(service, connector, socket);
		}
		service.removeConnector(connector);
		socket.delete();
		throw new IOException("the warm-up connector on " + socket.path() + " did not start");
	}

	@Override
	public int get(String path) throws IOException {
		return this.socket.get(path);
	}

	@Override
	public void close() {
		this.service.removeConnector(this.connector);
		try {
			this.connector.destroy();
		}
		catch (LifecycleException ex) {
			// removed already: nothing to release
		}
		this.socket.delete();
	}

}
