package io.github.gracefulrestart;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * The routes this generation's clients use, counted cheaply as their requests end: by the
 * handler mapping's pattern (so that {@code /owners/1} and {@code /owners/2} count as one
 * route), GETs that answered 2xx only, each with the last path that answered it. The
 * busiest are handed to the next generation, which warms them up before it takes over, so
 * that its first real requests find their code (templates, persistence, the JIT's work)
 * warm. Nothing of a client's request but its path is kept: no query, header or cookie.
 */
public final class TrafficRoutes {

	/**
	 * At most this many routes are counted: an application has a few dozen, not
	 * thousands.
	 */
	private static final int MOST_ROUTES = 256;

	/** At most this many paths are handed over. */
	public static final int MOST_HANDED = 32;

	private final ConcurrentHashMap<String, Route> routes = new ConcurrentHashMap<>();

	/**
	 * Count a request that ended.
	 * @param method its method
	 * @param status its status
	 * @param pattern the handler mapping's pattern it matched, or null
	 * @param path its path, from the server's root
	 */
	public void served(String method, int status, String pattern, String path) {
		if (!"GET".equals(method) || status < 200 || status >= 300 || pattern == null || path == null) {
			return;
		}
		Route route = this.routes.get(pattern);
		if (route == null) {
			if (this.routes.size() >= MOST_ROUTES) {
				return;
			}
			route = this.routes.computeIfAbsent(pattern, (key) -> new Route());
		}
		route.count.increment();
		route.path = path;
	}

	/**
	 * Return a path of each of the busiest routes, busiest first.
	 * @param most how many at most
	 * @return the paths
	 */
	public List<String> busiest(int most) {
		return this.routes.values()
			.stream()
			.map((route) -> new Counted(route.count.sum(), route.path))
			.sorted(Comparator.comparingLong(Counted::count).reversed())
			.limit(most)
			.map(Counted::path)
			.toList();
	}

	/**
	 * Return paths as one value of an environment variable.
	 * @param paths the paths
	 * @return the value
	 */
	public static String encode(List<String> paths) {
		// A path as a server reads it from the request line has no space.
		return String.join(" ", paths);
	}

	/**
	 * Return the paths of an environment variable's value, less those {@code deny}
	 * matches.
	 * @param value the value, or null
	 * @param deny patterns of paths never to request: {@code *} matches within a segment,
	 * {@code **} across segments
	 * @param most how many at most
	 * @return the paths
	 */
	public static List<String> decode(String value, List<String> deny, int most) {
		if (value == null || value.isBlank()) {
			return List.of();
		}
		List<Pattern> denied = deny.stream().map(TrafficRoutes::glob).toList();
		return List.of(value.trim().split(" +"))
			.stream()
			.filter((path) -> path.startsWith("/") && denied.stream().noneMatch((p) -> p.matcher(path).matches()))
			.distinct()
			.limit(most)
			.toList();
	}

	static Pattern glob(String pattern) {
		StringBuilder regex = new StringBuilder();
		for (int i = 0; i < pattern.length(); i++) {
			char c = pattern.charAt(i);
			if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
				regex.append(".*");
				i++;
			}
			else if (c == '*') {
				regex.append("[^/]*");
			}
			else {
				regex.append(Pattern.quote(String.valueOf(c)));
			}
		}
		return Pattern.compile(regex.toString());
	}

	private static final class Route {

		private final LongAdder count = new LongAdder();

		private volatile String path;

	}

	private record Counted(long count, String path) {
	}

}
