package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The health of a backend this app would depend on (a database, say), part of the
 * readiness health group (see application.yml): a new generation takes over only once it
 * is UP. Here the backend is a file, {@code sample.backend-status-file}, to watch a
 * restart whose new generation is not healthy: {@code echo DOWN > file} and the next
 * generation waits, then is stopped at {@code graceful-restart.startup-timeout}, while
 * the serving one keeps serving. No file, or one that does not say DOWN, is UP.
 */
@Component("backend")
class BackendHealth implements HealthIndicator {

	private final Path file;

	BackendHealth(@Value("${sample.backend-status-file:}") String file) {
		this.file = file.isBlank() ? null : Path.of(file);
	}

	@Override
	public Health health() {
		if (this.file == null) {
			return Health.up().build();
		}
		try {
			String status = Files.exists(this.file) ? Files.readString(this.file).trim() : "";
			return status.equals("DOWN") ? Health.down().withDetail("file", this.file.toString()).build()
					: Health.up().build();
		}
		catch (IOException ex) {
			return Health.down(ex).build();
		}
	}

}
