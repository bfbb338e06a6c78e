package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A paced load on {@code GET /hello} (or other requests): keep-alive connections
 * (reopened only when a response says {@code Connection: close}) and one client that
 * opens a new connection for every request. Every loop is bounded by a request count and
 * a deadline; {@link #stop()} ends it sooner.
 */
final class HttpLoad implements AutoCloseable {

	private final java.util.function.Supplier<RawHttp> clients;

	private final Step step;

	private final List<Thread> threads = new ArrayList<>();

	private final AtomicLong ok = new AtomicLong();

	private final AtomicLong non2xx = new AtomicLong();

	private final AtomicLong connectErrors = new AtomicLong();

	private final AtomicLong timeouts = new AtomicLong();

	private final AtomicLong ioErrors = new AtomicLong();

	private final Set<String> errors = ConcurrentHashMap.newKeySet();

	private final Set<String> pids = ConcurrentHashMap.newKeySet();

	private volatile boolean stopped;

	private HttpLoad(java.util.function.Supplier<RawHttp> clients, Step step) {
		this.clients = clients;
		this.step = step;
	}

	/**
	 * Start the load.
	 * @param port the server port on 127.0.0.1
	 * @param keepAliveConnections how many keep-alive clients
	 * @param requestsPerSecond the rate of each client
	 * @param maxDuration the deadline of every loop
	 */
	static HttpLoad start(int port, int keepAliveConnections, int requestsPerSecond, Duration maxDuration) {
		return start(port, "/hello", keepAliveConnections, requestsPerSecond, maxDuration);
	}

	/**
	 * Start the load on {@code path}.
	 */
	static HttpLoad start(int port, String path, int keepAliveConnections, int requestsPerSecond,
			Duration maxDuration) {
		return start(() -> new RawHttp(port), path, keepAliveConnections, requestsPerSecond, maxDuration);
	}

	/**
	 * Start the load on {@code path} with clients of another kind (TLS, another address).
	 */
	static HttpLoad start(java.util.function.Supplier<RawHttp> clients, String path, int keepAliveConnections,
			int requestsPerSecond, Duration maxDuration) {
		return start(clients, (http, n) -> http.get(path), keepAliveConnections, requestsPerSecond, maxDuration);
	}

	/**
	 * Start a load whose clients each send the requests of {@code step}, the n-th request
	 * of a client being {@code step.send(http, n)}. A response below 400 is a success.
	 */
	static HttpLoad start(java.util.function.Supplier<RawHttp> clients, Step step, int keepAliveConnections,
			int requestsPerSecond, Duration maxDuration) {
		HttpLoad load = new HttpLoad(clients, step);
		long deadline = System.nanoTime() + maxDuration.toNanos();
		long maxRequests = maxDuration.toSeconds() * requestsPerSecond;
		for (int i = 0; i < keepAliveConnections; i++) {
			load.startClient("load-keepalive-" + i, true, requestsPerSecond, maxRequests, deadline);
		}
		load.startClient("load-new-connection", false, requestsPerSecond, maxRequests, deadline);
		return load;
	}

	private void startClient(String name, boolean keepAlive, int rate, long maxRequests, long deadline) {
		Thread thread = new Thread(() -> run(keepAlive, rate, maxRequests, deadline), name);
		thread.setDaemon(true);
		this.threads.add(thread);
		thread.start();
	}

	private void run(boolean keepAlive, int rate, long maxRequests, long deadline) {
		long interval = TimeUnit.SECONDS.toNanos(1) / rate;
		long next = System.nanoTime();
		RawHttp http = this.clients.get();
		try {
			for (long n = 0; n < maxRequests && !this.stopped && System.nanoTime() < deadline; n++) {
				request(http, n);
				if (!keepAlive) {
					http.close();
				}
				next += interval;
				LockSupport.parkNanos(next - System.nanoTime());
			}
		}
		finally {
			http.close();
		}
	}

	private void request(RawHttp http, long n) {
		try {
			RawHttp.Response response = this.step.send(http, n);
			if (response.status() < 400) {
				this.ok.incrementAndGet();
				if (response.body().contains("pid ")) {
					this.pids.add(response.body().replaceAll("(?s).*pid (\\d+).*", "$1"));
				}
			}
			else {
				this.non2xx.incrementAndGet();
				this.errors.add("HTTP " + response.status());
			}
		}
		catch (ConnectException ex) {
			this.connectErrors.incrementAndGet();
			this.errors.add(ex.toString());
			http.close();
		}
		catch (SocketTimeoutException ex) {
			this.timeouts.incrementAndGet();
			this.errors.add(ex.toString());
			http.close();
		}
		catch (IOException ex) {
			this.ioErrors.incrementAndGet();
			this.errors.add(ex.toString());
			http.close();
		}
	}

	long ok() {
		return this.ok.get();
	}

	long failures() {
		return this.non2xx.get() + this.connectErrors.get() + this.timeouts.get() + this.ioErrors.get();
	}

	long connectErrors() {
		return this.connectErrors.get();
	}

	Set<String> pids() {
		return this.pids;
	}

	void stop() throws InterruptedException {
		this.stopped = true;
		for (Thread thread : this.threads) {
			thread.join(RawHttp.TIMEOUT_MS * 2L);
		}
	}

	@Override
	public void close() throws InterruptedException {
		stop();
	}

	/** The requests of one client of a load. */
	@FunctionalInterface
	interface Step {

		RawHttp.Response send(RawHttp http, long n) throws IOException;

	}

	@Override
	public String toString() {
		return "ok=" + this.ok + " non2xx=" + this.non2xx + " connectErrors=" + this.connectErrors + " timeouts="
				+ this.timeouts + " readWriteErrors=" + this.ioErrors + " errors=" + this.errors;
	}

}
