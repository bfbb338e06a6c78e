package io.github.gracefulrestart;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TrafficRoutes}.
 */
class TrafficRoutesTests {

	private final TrafficRoutes routes = new TrafficRoutes();

	@Test
	void theBusiestRoutesComeFirstEachWithThePathThatLastAnsweredIt() {
		served(3, "/owners/{id}", "/owners/", "/owners/");
		served(5, "/vets", "/vets", "");
		served(1, "/", "/", "");
		assertThat(this.routes.busiest(2)).containsExactly("/vets", "/owners/2");
	}

	@Test
	void onlyGetsThatAnswered2xxAndMatchedAHandlerCount() {
		this.routes.served("POST", 200, "/owners/new", "/owners/new");
		this.routes.served("GET", 302, "/owners/find", "/owners/find");
		this.routes.served("GET", 404, "/nope", "/nope");
		this.routes.served("GET", 500, "/oops", "/oops");
		this.routes.served("GET", 200, null, "/static.css");
		assertThat(this.routes.busiest(10)).isEmpty();
	}

	@Test
	void atMostSoManyRoutesAreCounted() {
		IntStream.range(0, 1000).forEach((i) -> this.routes.served("GET", 200, "/r" + i, "/r" + i));
		assertThat(this.routes.busiest(2000)).hasSize(256);
	}

	@Test
	void thePathsTravelInOneValueAndTheDeniedOnesAreDropped() {
		String value = TrafficRoutes
			.encode(List.of("/vets", "/owners/2", "/admin/users", "/actuator/health", "/a/b/c"));
		assertThat(TrafficRoutes.decode(value, List.of("/admin/**", "/actuator/**", "/a/*"), 10))
			.containsExactly("/vets", "/owners/2", "/a/b/c");
		assertThat(TrafficRoutes.decode(value, List.of(), 2)).containsExactly("/vets", "/owners/2");
		assertThat(TrafficRoutes.decode(null, List.of(), 2)).isEmpty();
		assertThat(TrafficRoutes.decode("no-slash /ok", List.of(), 2)).containsExactly("/ok");
	}

	private void served(int times, String pattern, String prefix, String suffix) {
		for (int i = 0; i < times; i++) {
			this.routes.served("GET", 200, pattern, prefix.endsWith("/") ? prefix + i : prefix + suffix);
		}
	}

}
