package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * An open-model load on {@code GET /hello} (or the requests of a {@link HttpLoad.Step}):
 * every request has an intended send time on a fixed schedule, and its latency is counted
 * from that time, so a stalled server shows as latency instead of as fewer requests (no
 * coordinated omission). Keep-alive clients (reconnecting only after
 * {@code Connection: close} or an error) plus one client that opens a connection per
 * request. Bounded by its duration.
 */
final class OpenLoad {

	/** What became of a request. */
	enum Outcome {

		OK, NON_2XX, REFUSED, RESET, TIMEOUT, OTHER

	}

	private final List<Thread> threads = new ArrayList<>();

	private final Recording recording;

	private final HttpLoad.Step step;

	private volatile boolean stopped;

	private OpenLoad(Recording recording, HttpLoad.Step step) {
		this.recording = recording;
		this.step = step;
	}

	/**
	 * Start the load.
	 * @param clients makes a client of the server
	 * @param keepAlive how many keep-alive clients
	 * @param rate requests per second in all, a tenth of them on new connections
	 * @param duration how long
	 * @param recording where results go
	 */
	static OpenLoad start(Supplier<RawHttp> clients, int keepAlive, int rate, Duration duration, Recording recording) {
		return start(clients, (http, n) -> http.get("/hello"), keepAlive, rate, duration, recording);
	}

	/**
	 * Start a load whose clients each send the requests of {@code step} (a response below
	 * 400 is a success).
	 */
	static OpenLoad start(Supplier<RawHttp> clients, HttpLoad.Step step, int keepAlive, int rate, Duration duration,
			Recording recording) {
		OpenLoad load = new OpenLoad(recording, step);
		long end = recording.start() + duration.toNanos();
		double newConnectionRate = Math.max(1, rate / 10.0);
		double perKeepAlive = (rate - newConnectionRate) / keepAlive;
		for (int i = 0; i < keepAlive; i++) {
			load.client("bench-keepalive-" + i, clients, true, perKeepAlive, end, i / (double) keepAlive);
		}
		load.client("bench-new-connection", clients, false, newConnectionRate, end, 0.5);
		return load;
	}

	private void client(String name, Supplier<RawHttp> clients, boolean keepAlive, double rate, long end,
			double phase) {
		long interval = (long) (TimeUnit.SECONDS.toNanos(1) / rate);
		Thread thread = new Thread(() -> {
			RawHttp http = clients.get();
			long intended = this.recording.start() + (long) (interval * phase);
			try {
				for (long n = 0; intended < end && !this.stopped; n++) {
					LockSupport.parkNanos(intended - System.nanoTime());
					Outcome outcome = request(http, n);
					this.recording.record(intended, System.nanoTime() - intended, outcome);
					if (!keepAlive || outcome != Outcome.OK) {
						http.close();
						http = clients.get();
					}
					intended += interval;
				}
			}
			finally {
				http.close();
			}
		}, name);
		thread.setDaemon(true);
		this.threads.add(thread);
		thread.start();
	}

	private Outcome request(RawHttp http, long n) {
		try {
			return (this.step.send(http, n).status() < 400) ? Outcome.OK : Outcome.NON_2XX;
		}
		catch (ConnectException ex) {
			return Outcome.REFUSED;
		}
		catch (SocketTimeoutException ex) {
			return Outcome.TIMEOUT;
		}
		catch (SocketException ex) {
			return Outcome.RESET;
		}
		catch (IOException ex) {
			// "connection closed before a response": the server closed it under the
			// request.
			return Outcome.RESET;
		}
	}

	/** End the load before its duration: each client ends after its request in flight. */
	void stop() throws InterruptedException {
		this.stopped = true;
		await();
	}

	void await() throws InterruptedException {
		for (Thread thread : this.threads) {
			thread.join();
		}
	}

}
