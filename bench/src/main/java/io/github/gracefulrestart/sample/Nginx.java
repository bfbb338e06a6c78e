package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * An nginx of the benchmark's own, on loopback, proxying to one upstream with keep-alive,
 * switched to another by rewriting its configuration and {@code nginx -s reload}:
 * blue/green as users run it.
 */
final class Nginx {

	private final Path dir;

	private final int port;

	private final Process process;

	private Nginx(Path dir, int port, Process process) {
		this.dir = dir;
		this.port = port;
		this.process = process;
	}

	static Nginx start(Path dir, int port, int upstream) throws IOException {
		Files.createDirectories(dir.resolve("logs"));
		writeConfig(dir, port, upstream);
		Process process = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", "nginx.conf", "-g", "daemon off;")
			.redirectErrorStream(true)
			.redirectOutput(dir.resolve("logs/stdout.log").toFile())
			.start();
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
			try (RawHttp http = new RawHttp("127.0.0.1", port, null)) {
				return http.get("/hello").status() == 200;
			}
		});
		return new Nginx(dir, port, process);
	}

	void switchTo(int upstream) throws IOException, InterruptedException {
		writeConfig(this.dir, this.port, upstream);
		Process reload = new ProcessBuilder("nginx", "-p", this.dir.toString(), "-c", "nginx.conf", "-s", "reload")
			.inheritIO()
			.start();
		if (!reload.waitFor(30, TimeUnit.SECONDS) || reload.exitValue() != 0) {
			throw new IllegalStateException("nginx -s reload failed");
		}
	}

	void stop() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor();
		}
	}

	private static void writeConfig(Path dir, int port, int upstream) throws IOException {
		Files.write(dir.resolve("nginx.conf"), List.of("worker_processes 1;", "pid " + dir.resolve("nginx.pid") + ";",
				"error_log " + dir.resolve("logs/error.log") + ";", "events { worker_connections 1024; }", "http {",
				"  access_log off;", "  client_body_temp_path " + dir.resolve("body") + ";",
				"  proxy_temp_path " + dir.resolve("proxy") + ";",
				"  upstream app { server 127.0.0.1:" + upstream + "; keepalive 32; }", "  server {",
				"    listen 127.0.0.1:" + port + ";", "    location / {", "      proxy_pass http://app;",
				"      proxy_http_version 1.1;", "      proxy_set_header Connection \"\";", "    }", "  }", "}"));
	}

}
