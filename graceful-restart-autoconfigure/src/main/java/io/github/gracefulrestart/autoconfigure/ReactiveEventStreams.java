package io.github.gracefulrestart.autoconfigure;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Ends the server-sent event streams of a reactive application (a
 * {@code Flux<ServerSentEvent>} or any {@code text/event-stream} response) once this
 * generation has handed over, so that each {@code EventSource} reconnects, to the new
 * generation, at once: the stream's body completes after the event being written, and the
 * response ends with its terminating chunk. A stream that starts during the drain (an
 * {@code EventSource} reconnecting on its kept-alive connection) ends as soon as it
 * started, with {@code Connection: close}. {@link LongLivedConnections} ends them, after
 * the application's own listeners of {@code DrainStartedEvent}. The same on Reactor
 * Netty, Tomcat and Jetty; the innermost filter, so that it sees the body the application
 * writes.
 */
final class ReactiveEventStreams implements WebFilter, OpenEventStreams {

	private final Set<Sinks.One<Boolean>> open = ConcurrentHashMap.newKeySet();

	private volatile boolean ending;

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpResponse response = new ServerHttpResponseDecorator(exchange.getResponse()) {

			@Override
			public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
				if (!MediaType.TEXT_EVENT_STREAM.isCompatibleWith(getHeaders().getContentType())) {
					return super.writeAndFlushWith(body);
				}
				Sinks.One<Boolean> end = Sinks.one();
				ReactiveEventStreams.this.open.add(end);
				if (ReactiveEventStreams.this.ending) {
					getHeaders().set(HttpHeaders.CONNECTION, "close");
					end.tryEmitValue(true);
				}
				return super.writeAndFlushWith(Flux.from(body).takeUntilOther(end.asMono()))
					.doFinally((signal) -> ReactiveEventStreams.this.open.remove(end));
			}

		};
		return chain.filter(exchange.mutate().response(response).build());
	}

	@Override
	public int endAll() {
		this.ending = true;
		int ended = 0;
		for (Sinks.One<Boolean> end : this.open) {
			if (end.tryEmitValue(true).isSuccess()) {
				ended++;
			}
		}
		return ended;
	}

	@Override
	public int open() {
		return this.open.size();
	}

}
