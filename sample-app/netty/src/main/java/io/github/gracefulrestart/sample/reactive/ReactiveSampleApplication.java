package io.github.gracefulrestart.sample.reactive;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The sample app as a Spring WebFlux application on Reactor Netty: {@code GET /hello}
 * answers with the version and the pid, {@code GET /sleep?ms=} holds a request in flight,
 * {@code POST /upload} counts a body.
 */
@SpringBootApplication
public class ReactiveSampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(ReactiveSampleApplication.class, args);
	}

}
