package io.github.gracefulrestart.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small web app to watch graceful restarts: {@code GET /hello} answers with the version
 * and the pid, {@code GET /sleep?ms=} holds a request in flight, {@code POST /upload}
 * counts a body.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
