package io.github.gracefulrestart.autoconfigure;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Ends the server-sent event streams of a reactive application (a {@code Flux<ServerSentEvent>} or
 * any {@code text/event-stream} response) once this generation has handed over, so that each
 * {@code EventSource} reconnects, to the new generation, at once: the stream's body completes
 * after the event being written, and the response ends with its terminating chunk. A stream that
 * starts during the drain (an {@code EventSource} reconnecting on its kept-alive connection) ends
 * as soon as it started, with {@code Connection: close}. Runs after the application's own listeners
 * of {@code DrainStartedEvent}. The same on Reactor Netty, Tomcat and Jetty.
 */
final class ReactiveEventStreams implements WebFilter, RestartListener, Ordered, Supplier<Map<String, Integer>> {

	private static final Log logger = LogFactory.getLog(ReactiveEventStreams.class);

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

	/**
	 * End every open stream, and every stream that starts from now on.
	 * @return how many were open
	 */
	int endAll() {
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
	public void handedOver(RestartAttempt attempt) {
		int ended = endAll();
		if (ended > 0) {
			logger.info("Restart " + attempt.id() + ": ended " + ended + " event stream(s); their clients reconnect to"
					+ " the new generation");
		}
	}

	/**
	 * Return how many event streams are open.
	 * @return the {@code event-stream} count
	 */
	@Override
	public Map<String, Integer> get() {
		return Map.of("event-stream", this.open.size());
	}

	@Override
	public int getOrder() {
		// A web filter near the outside, so that it sees the body the application writes; a restart
		// listener after the event publisher and the application's listeners.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
