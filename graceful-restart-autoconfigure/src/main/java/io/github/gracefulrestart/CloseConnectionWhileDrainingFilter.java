package io.github.gracefulrestart;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.function.Supplier;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * Answers {@code Connection: close} to a request that was in flight when this generation
 * started to drain. Tomcat and Jetty decide keep-alive when a request starts, so turning
 * it off at the drain only reaches requests that start later: the connection of one
 * already running would stay open, idle, until the drain timeout closed it under a client
 * that may be sending on it. Both servers honour a {@code Connection: close} the
 * application sets before the response is committed, so it is set when the response
 * starts to be written during the drain; a response already being written when the drain
 * starts is not reached. An HTTP/2 request is left alone: {@code Connection} is not an
 * HTTP/2 header (a client must treat a response carrying it as malformed, RFC 9113
 * 8.2.2); its connection is told to go with a GOAWAY when the drain starts.
 */
public final class CloseConnectionWhileDrainingFilter implements Filter {

	private final Supplier<RestartState> state;

	/**
	 * Create a filter.
	 * @param state this generation's restart state
	 */
	public CloseConnectionWhileDrainingFilter(Supplier<RestartState> state) {
		this.state = state;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (!(response instanceof HttpServletResponse http) || !request.getProtocol().startsWith("HTTP/1.")) {
			chain.doFilter(request, response);
			return;
		}
		// The body is written (and the response committed, Spring MVC flushes) inside the
		// chain: the header must go on when writing starts, not after.
		chain.doFilter(request, new HttpServletResponseWrapper(http) {

			@Override
			public ServletOutputStream getOutputStream() throws IOException {
				closeIfDraining(http);
				return super.getOutputStream();
			}

			@Override
			public PrintWriter getWriter() throws IOException {
				closeIfDraining(http);
				return super.getWriter();
			}

			@Override
			public void flushBuffer() throws IOException {
				closeIfDraining(http);
				super.flushBuffer();
			}

		});
		closeIfDraining(http);
	}

	private void closeIfDraining(HttpServletResponse response) {
		if (!response.isCommitted() && this.state.get() == RestartState.DRAINING) {
			response.setHeader("Connection", "close");
		}
	}

}
