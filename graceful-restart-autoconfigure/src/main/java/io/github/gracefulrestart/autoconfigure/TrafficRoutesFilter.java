package io.github.gracefulrestart.autoconfigure;

import java.io.IOException;

import io.github.gracefulrestart.TrafficRoutes;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.servlet.HandlerMapping;

/**
 * Counts the routes of a Spring MVC application's GET requests that answered 2xx, by
 * handler mapping pattern, for the next generation's warm-up: one map look-up and one
 * increment a request, after it was handled.
 */
class TrafficRoutesFilter implements Filter {

	private final TrafficRoutes routes;

	TrafficRoutesFilter(TrafficRoutes routes) {
		this.routes = routes;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		chain.doFilter(request, response);
		if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse answer
				&& !request.isAsyncStarted()
				&& request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE) instanceof String pattern) {
			this.routes.served(http.getMethod(), answer.getStatus(), pattern, http.getRequestURI());
		}
	}

}
