package io.github.gracefulrestart;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Warmup}'s bookkeeping, with servers whose private channel answers in
 * memory (the real channels have their own tests, and the integration tests warm up real
 * generations).
 */
class WarmupTests {

	@Test
	void sendsEachPathItsRequestsThroughItsListenersServerAndClosesTheChannels() {
		InMemoryServer server = new InMemoryServer("server", 200);
		InMemoryServer management = new InMemoryServer("management", 200);
		Warmup warmup = new Warmup(
				new Warmup.Settings(Map.of("server", List.of("/a", "/b"), "management", List.of("/actuator/health")),
						50, Duration.ofSeconds(30), 3, false),
				List.of());
		Warmup.Result result = warmup.run(List.of(server, management));
		assertThat(result.requests()).isEqualTo(150);
		assertThat(result.errors()).isZero();
		assertThat(server.requests).containsOnlyKeys("/a", "/b");
		assertThat(server.requests.get("/a")).hasValue(50);
		assertThat(management.requests.get("/actuator/health")).hasValue(50);
		assertThat(server.closed).isTrue();
		assertThat(management.closed).isTrue();
	}

	@Test
	void endsOnceResponseTimesStopImprovingWhenAskedTo() {
		InMemoryServer server = new InMemoryServer("server", 200);
		Warmup.Result settling = new Warmup(
				new Warmup.Settings(Map.of("server", List.of("/a")), 1000, Duration.ofSeconds(30), 1, true), List.of())
			.run(List.of(server));
		assertThat(settling.settled()).isTrue();
		assertThat(settling.requests()).isBetween(3 * ResponseTimeTrend.ROUND, 999);
		Warmup.Result counting = new Warmup(
				new Warmup.Settings(Map.of("server", List.of("/a")), 1000, Duration.ofSeconds(30), 1, false), List.of())
			.run(List.of(server));
		assertThat(counting.settled()).isFalse();
		assertThat(counting.requests()).isEqualTo(1000);
	}

	@Test
	void serverErrorsAndFailedExchangesCountAsErrors() {
		InMemoryServer server = new InMemoryServer("server", 500);
		Warmup warmup = new Warmup(
				new Warmup.Settings(Map.of("server", List.of("/a")), 10, Duration.ofSeconds(30), 1, false), List.of());
		assertThat(warmup.run(List.of(server)).errors()).isEqualTo(10);
	}

	@Test
	void anyServerErrorOfTheHealthEndpointFailsTheWarmUpNamingItAndTheStatus() {
		InMemoryServer server = new InMemoryServer("server", 200);
		InMemoryServer management = new InMemoryServer("management", 503);
		Warmup.Result result = new Warmup(
				new Warmup.Settings(Map.of("server", List.of("/a"), "management", List.of("/actuator/health")), 10,
						Duration.ofSeconds(30), 1, false, "/actuator/health", 0.1),
				List.of())
			.run(List.of(server, management));
		assertThat(result.failure())
			.contains("the health endpoint failed", "GET /actuator/health answered 503 (10 of 10)")
			.doesNotContain("GET /a ");
	}

	@Test
	void serverErrorsOfTheApplicationsPathsFailTheWarmUpAboveTheirShare() {
		InMemoryServer server = new InMemoryServer("server", 200);
		server.failing.put("/broken", 500);
		Warmup.Settings settings = new Warmup.Settings(Map.of("server", List.of("/a", "/b", "/c", "/broken")), 10,
				Duration.ofSeconds(30), 1, false, null, 0.3);
		Warmup.Result within = new Warmup(settings, List.of()).run(List.of(server));
		assertThat(within.errors()).isEqualTo(10);
		assertThat(within.failure()).isNull();
		Warmup.Settings stricter = new Warmup.Settings(settings.paths(), 10, Duration.ofSeconds(30), 1, false, null,
				0.2);
		assertThat(new Warmup(stricter, List.of()).run(List.of(server)).failure())
			.contains("10 of 40 requests failed, more than 20%", "GET /broken answered 500 (10 of 10)");
	}

	@Test
	void aHookThatHangsIsLeftBehindAtTheDeadlineAndAFailingOneChangesNothing() {
		CountDownLatch never = new CountDownLatch(1);
		AtomicInteger ran = new AtomicInteger();
		InMemoryServer server = new InMemoryServer("server", 200);
		Warmup warmup = new Warmup(
				new Warmup.Settings(Map.of("server", List.of("/a")), 5, Duration.ofMillis(500), 1, false),
				List.of(() -> {
					throw new IllegalStateException("cache backend down");
				}, ran::incrementAndGet, never::await));
		long start = System.nanoTime();
		Warmup.Result result = warmup.run(List.of(server));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
		assertThat(result.hooks()).isEqualTo(1);
		assertThat(ran).hasValue(1);
		assertThat(server.closed).isTrue();
	}

	static final class InMemoryServer extends FakeServer {

		final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

		final Map<String, Integer> failing = new ConcurrentHashMap<>();

		private final int status;

		volatile boolean closed;

		InMemoryServer(String listener, int status) {
			super("memory", List.of(new Listener(listener, new InetSocketAddress(0))));
			this.status = status;
		}

		@Override
		public Optional<PrivateChannel> openPrivateChannel() {
			return Optional.of(new PrivateChannel() {

				@Override
				public int get(String path) throws IOException {
					InMemoryServer.this.requests.computeIfAbsent(path, (key) -> new AtomicInteger()).incrementAndGet();
					return InMemoryServer.this.failing.getOrDefault(path, InMemoryServer.this.status);
				}

				@Override
				public void close() {
					InMemoryServer.this.closed = true;
				}

			});
		}

	}

}
