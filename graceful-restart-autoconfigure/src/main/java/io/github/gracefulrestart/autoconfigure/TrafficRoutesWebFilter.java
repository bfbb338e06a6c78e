package io.github.gracefulrestart.autoconfigure;

import io.github.gracefulrestart.TrafficRoutes;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatusCode;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Counts the routes of a WebFlux application's GET requests that answered 2xx, by handler
 * mapping pattern, for the next generation's warm-up.
 */
class TrafficRoutesWebFilter implements WebFilter {

	private final TrafficRoutes routes;

	TrafficRoutesWebFilter(TrafficRoutes routes) {
		this.routes = routes;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return chain.filter(exchange).doOnSuccess((done) -> {
			Object pattern = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
			HttpStatusCode status = exchange.getResponse().getStatusCode();
			if (pattern != null && status != null) {
				this.routes.served(exchange.getRequest().getMethod().name(), status.value(), pattern.toString(),
						exchange.getRequest().getPath().value());
			}
		});
	}

}
