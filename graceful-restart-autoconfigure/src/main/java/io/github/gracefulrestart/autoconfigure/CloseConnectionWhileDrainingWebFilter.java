package io.github.gracefulrestart.autoconfigure;

import java.util.function.Supplier;

import io.github.gracefulrestart.RestartState;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The reactive counterpart of the servlet drain filter: a response that starts to be
 * written during the drain says {@code Connection: close}, so its kept-alive HTTP/1.1
 * connection ends after it. Reactor Netty, Tomcat and Jetty all close a connection whose
 * response says so.
 */
final class CloseConnectionWhileDrainingWebFilter implements WebFilter, Ordered {

	private final Supplier<RestartState> state;

	CloseConnectionWhileDrainingWebFilter(Supplier<RestartState> state) {
		this.state = state;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		exchange.getResponse().beforeCommit(() -> {
			if (this.state.get() == RestartState.DRAINING) {
				exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
			}
			return Mono.empty();
		});
		return chain.filter(exchange);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
