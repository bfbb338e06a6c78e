package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The requests of a shop's client (sample-app/shop): one in ten places an order by the
 * form, the others read its pages (the latest orders, the last order placed, the form).
 * It keeps the ids of the orders placed.
 */
final class Shopper implements HttpLoad.Step {

	private static final Pattern ORDER = Pattern.compile("/orders/(\\d+)$");

	private final Set<Long> placed = ConcurrentHashMap.newKeySet();

	private final AtomicLong latest = new AtomicLong();

	@Override
	public RawHttp.Response send(RawHttp http, long n) throws IOException {
		int kind = (int) (n % 10);
		if (kind == 0) {
			return place(http, "widget", 1 + (int) (n % 5));
		}
		if (kind <= 3 || this.latest.get() == 0) {
			return http.get("/");
		}
		return (kind <= 6) ? http.get("/orders/" + this.latest.get()) : http.get("/orders/new");
	}

	/** POST the order form; an order placed (a redirect to it) is kept. */
	RawHttp.Response place(RawHttp http, String item, int quantity) throws IOException {
		return placed(http.exchange("POST", "/orders", "application/x-www-form-urlencoded",
				("item=" + item + "&quantity=" + quantity).getBytes(StandardCharsets.US_ASCII)));
	}

	/** Keep the order a response to the form redirects to, if it does. */
	RawHttp.Response placed(RawHttp.Response response) {
		Matcher matcher = ORDER.matcher(response.headers().getOrDefault("Location", ""));
		if (response.status() == 302 && matcher.find()) {
			long id = Long.parseLong(matcher.group(1));
			this.placed.add(id);
			this.latest.accumulateAndGet(id, Math::max);
		}
		return response;
	}

	/** The ids of the orders placed so far. */
	Set<Long> orders() {
		return this.placed;
	}

}
