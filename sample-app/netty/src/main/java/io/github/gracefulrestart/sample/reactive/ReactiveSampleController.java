package io.github.gracefulrestart.sample.reactive;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The sample's endpoints, reactive: the same answers as the servlet sample's, and an
 * event stream.
 */
@RestController
class ReactiveSampleController {

	private static final Log logger = LogFactory.getLog(ReactiveSampleController.class);

	private final String version;

	private final long pid = ProcessHandle.current().pid();

	ReactiveSampleController(@Value("${sample.version}") String version) {
		this.version = version;
	}

	@GetMapping("/hello")
	Mono<String> hello() {
		return Mono.just("Hello from version " + this.version + " pid " + this.pid + "\n");
	}

	/**
	 * A server-sent event stream that never ends by itself: the version and pid, then a
	 * comment every second. The library ends it when this generation hands over.
	 */
	@GetMapping(path = "/ticks", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> ticks() {
		logger.info("Tick stream opened");
		return Flux.concat(
				Mono.just(ServerSentEvent.builder("version " + this.version + " pid " + this.pid)
					.retry(Duration.ofMillis(100))
					.build()),
				Flux.interval(Duration.ofSeconds(1))
					.map((tick) -> ServerSentEvent.<String>builder().comment("tick").build()));
	}

	@GetMapping("/sleep")
	Mono<String> sleep(@RequestParam(defaultValue = "1000") long ms) {
		logger.info("Holding a request for " + ms + " ms");
		return Mono.delay(Duration.ofMillis(Math.min(Math.max(ms, 0), 120_000)))
			.map((tick) -> "Slept " + ms + " ms in version " + this.version + " pid " + this.pid + "\n");
	}

	@PostMapping("/upload")
	Mono<String> upload(ServerHttpRequest request) throws NoSuchAlgorithmException {
		MessageDigest digest = MessageDigest.getInstance("SHA-256");
		AtomicLong bytes = new AtomicLong();
		return request.getBody().doOnNext((buffer) -> {
			byte[] chunk = new byte[buffer.readableByteCount()];
			// Read, not released: Reactor Netty releases what it received once this
			// returns.
			buffer.read(chunk);
			bytes.addAndGet(chunk.length);
			digest.update(chunk);
		})
			.then(Mono.fromSupplier(
					() -> "Received " + bytes.get() + " bytes sha256 " + HexFormat.of().formatHex(digest.digest())
							+ " in version " + this.version + " pid " + this.pid + "\n"));
	}

}
