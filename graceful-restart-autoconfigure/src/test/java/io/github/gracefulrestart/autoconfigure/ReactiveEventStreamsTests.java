package io.github.gracefulrestart.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReactiveEventStreams}: what the application writes as an event stream
 * ends when the generation hands over; other responses are left alone.
 */
class ReactiveEventStreamsTests {

	private final ReactiveEventStreams streams = new ReactiveEventStreams();

	@Test
	void anEndlessEventStreamEndsAfterTheEventsWrittenWhenTheGenerationHandsOver() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/ticks"));
		Mono<Void> written = this.streams.filter(exchange, (served) -> write(served.getResponse(),
				MediaType.TEXT_EVENT_STREAM, Flux.just("data:one\n\n").concatWith(Flux.never())));
		written.subscribe();
		assertThat(this.streams.open()).isEqualTo(1);
		assertThat(this.streams.endAll()).isEqualTo(1);
		assertThat(exchange.getResponse().getBodyAsString().block(Duration.ofSeconds(10))).isEqualTo("data:one\n\n");
		assertThat(this.streams.open()).isZero();
	}

	@Test
	void aStreamStartedOnceTheStreamsEndedEndsAtOnceAndClosesItsConnection() {
		this.streams.endAll();
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/ticks"));
		this.streams
			.filter(exchange, (served) -> write(served.getResponse(), MediaType.TEXT_EVENT_STREAM, Flux.never()))
			.block(Duration.ofSeconds(10));
		assertThat(exchange.getResponse().getHeaders().getConnection()).containsExactly("close");
	}

	@Test
	void otherStreamingResponsesAreLeftAlone() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/download"));
		Mono<Void> written = this.streams.filter(exchange, (served) -> write(served.getResponse(),
				MediaType.APPLICATION_NDJSON, Flux.just("{}\n").concatWith(Flux.never())));
		written.subscribe();
		assertThat(this.streams.endAll()).isZero();
		assertThat(this.streams.open()).isZero();
	}

	private static Mono<Void> write(ServerHttpResponse response, MediaType type, Flux<String> chunks) {
		response.getHeaders().setContentType(type);
		Flux<DataBuffer> buffers = chunks
			.map((chunk) -> DefaultDataBufferFactory.sharedInstance.wrap(chunk.getBytes()));
		return response.writeAndFlushWith(buffers.map(Flux::just));
	}

}
