package io.github.gracefulrestart.autoconfigure;

import java.util.concurrent.atomic.AtomicReference;

import io.github.gracefulrestart.RestartState;
import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reactive drain filter: a response that starts during the drain closes its
 * connection, one that started before does not change.
 */
class CloseConnectionWhileDrainingWebFilterTests {

	private final AtomicReference<RestartState> state = new AtomicReference<>(RestartState.SERVING);

	private final CloseConnectionWhileDrainingWebFilter filter = new CloseConnectionWhileDrainingWebFilter(
			this.state::get);

	@Test
	void aResponseWrittenWhileServingKeepsItsConnection() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/hello"));
		this.filter.filter(exchange, (served) -> served.getResponse().setComplete()).block();
		assertThat(exchange.getResponse().getHeaders().getConnection()).isEmpty();
	}

	@Test
	void aRequestInFlightWhenTheDrainStartsClosesItsConnectionWithItsResponse() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/hello"));
		this.filter.filter(exchange, (served) -> {
			// The drain starts while the handler runs, before its response is written.
			this.state.set(RestartState.DRAINING);
			return served.getResponse().setComplete();
		}).block();
		assertThat(exchange.getResponse().getHeaders().getConnection()).containsExactly("close");
	}

}
