package io.github.gracefulrestart.autoconfigure.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.github.gracefulrestart.handover.RestartCoordinator;
import io.github.gracefulrestart.RestartState;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint follows Spring Boot's access model on a real server: restarting over HTTP
 * needs the endpoint exposed and access raised to unrestricted. Neither refusal restarts
 * anything.
 */
class GracefulRestartEndpointAccessTests {

	private static final HttpClient client = HttpClient.newHttpClient();

	static HttpResponse<String> send(int port, String method) throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/gracefulrestart"))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build();
		return client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	static void assertNothingRestarted(RestartCoordinator coordinator) {
		assertThat(coordinator.status().state()).isEqualTo(RestartState.SERVING);
		assertThat(coordinator.status().lastRestart()).isNull();
		assertThat(coordinator.status().history()).isEmpty();
	}

	@Nested
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = "server.address=127.0.0.1")
	class NotExposed {

		@LocalServerPort
		int port;

		@Autowired
		RestartCoordinator coordinator;

		@Test
		void postIsNotFoundAndRestartsNothing() throws Exception {
			assertThat(send(this.port, "POST").statusCode()).isEqualTo(404);
			assertThat(send(this.port, "GET").statusCode()).isEqualTo(404);
			assertNothingRestarted(this.coordinator);
		}

	}

	@Nested
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "server.address=127.0.0.1", "management.endpoints.web.exposure.include=gracefulrestart" })
	class ExposedReadOnlyByDefault {

		@LocalServerPort
		int port;

		@Autowired
		RestartCoordinator coordinator;

		@Test
		void statusIsReadableButPostIsRefusedAndRestartsNothing() throws Exception {
			HttpResponse<String> status = send(this.port, "GET");
			assertThat(status.statusCode()).isEqualTo(200);
			assertThat(status.body()).contains("\"state\":\"SERVING\"", "\"generation\":1", "\"name\":\"server\"",
					"\"inherited\":false");
			// Both servers are on this module's test classpath: Spring Boot picks one.
			assertThat(status.body()).containsPattern("\"server\":\"(tomcat|jetty)\"");
			assertThat(status.body()).as("absent values left out, as Actuator's own endpoints do")
				.doesNotContain("null");
			assertThat(send(this.port, "POST").statusCode()).isIn(404, 405);
			assertNothingRestarted(this.coordinator);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
