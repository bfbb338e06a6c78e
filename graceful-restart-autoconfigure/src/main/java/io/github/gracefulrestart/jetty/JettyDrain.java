package io.github.gracefulrestart.jetty;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Once the drain starts, answers every request with {@code Connection: close}, so that
 * each kept-alive connection ends after its next response, and a client is never cut
 * while it sends on an idle connection. This is what Tomcat's drain does by turning
 * keep-alive off. Jetty's own {@code ServerConnector.shutdown()} does not serve here: a
 * response committed just before it ends with a FIN but without
 * {@code Connection: close}, and a client that reuses the connection at once reads end of
 * stream instead of an answer. HTTP/2 has no {@code Connection} header: its connections
 * get a GOAWAY instead ({@link JettyRestartableServer#stopAccepting()}).
 */
public final class JettyDrain implements HttpConfiguration.Customizer {

	private volatile boolean draining;

	@Override
	public Request customize(Request request, HttpFields.Mutable responseHeaders) {
		if (this.draining && request.getConnectionMetaData().getHttpVersion().getVersion() < 20) {
			responseHeaders.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
		}
		return request;
	}

	void start() {
		this.draining = true;
	}

}
