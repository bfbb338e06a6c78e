package io.github.gracefulrestart.sample;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.util.Callback;

/**
 * A paced HTTP/2 load (h2c with prior knowledge) on {@code GET /hello}: a number of
 * connections, each carrying a number of concurrent streams, that behaves as RFC 9113
 * asks of a client when a server goes away. After a GOAWAY it opens no new stream on that
 * connection but lets the open ones finish, and the next requests go on a new connection;
 * a request the server says it did not process (a stream above the GOAWAY's
 * last-stream-id, or reset with {@code REFUSED_STREAM}, section 8.7) is sent again on a
 * new connection, which the RFC allows because the server never acted on it. Any other
 * failure, a reset, an error status or a stream that does not end within 30 s, is counted
 * as a failure. Jetty's low-level client is used because it shows the stream ids and
 * GOAWAY frames a retry decision needs (its high-level {@code HttpClient} fails such
 * requests, and h2load never reconnects after a GOAWAY).
 */
final class H2Load implements AutoCloseable {

	private static final long STREAM_TIMEOUT_SECONDS = 30;

	private final HTTP2Client client = new HTTP2Client();

	private final InetSocketAddress address;

	private final String path;

	private final List<Thread> threads = new ArrayList<>();

	private final AtomicLong ok = new AtomicLong();

	private final AtomicLong failures = new AtomicLong();

	private final AtomicLong retried = new AtomicLong();

	private final AtomicLong goAways = new AtomicLong();

	private final AtomicLong connections = new AtomicLong();

	private final Set<String> errors = ConcurrentHashMap.newKeySet();

	private final Set<String> pids = ConcurrentHashMap.newKeySet();

	private final Recorder recorder;

	private volatile boolean stopped;

	private H2Load(int port, String path, Recorder recorder) {
		this.address = new InetSocketAddress("127.0.0.1", port);
		this.path = path;
		this.recorder = recorder;
	}

	/** Where each request's latency goes (the benchmark's recording). */
	@FunctionalInterface
	interface Recorder {

		/**
		 * Record a request.
		 * @param intended when it was due to be sent, in {@link System#nanoTime()}
		 * @param latencyNanos from then to its end
		 * @param error {@code null} when answered with 200, else what went wrong
		 */
		void record(long intended, long latencyNanos, String error);

	}

	/**
	 * Start the load.
	 * @param port the server port on 127.0.0.1
	 * @param connections how many HTTP/2 connections
	 * @param streams how many concurrent streams on each
	 * @param requestsPerSecond the rate of each stream
	 * @param maxDuration the deadline of every loop
	 */
	static H2Load start(int port, int connections, int streams, int requestsPerSecond, Duration maxDuration)
			throws Exception {
		return start(port, connections, streams, requestsPerSecond, maxDuration, (intended, latency, error) -> {
		});
	}

	/**
	 * Start the load, recording every request.
	 */
	static H2Load start(int port, int connections, int streams, int requestsPerSecond, Duration maxDuration,
			Recorder recorder) throws Exception {
		H2Load load = new H2Load(port, "/hello", recorder);
		load.client.start();
		long deadline = System.nanoTime() + maxDuration.toNanos();
		long maxRequests = maxDuration.toSeconds() * requestsPerSecond;
		for (int c = 0; c < connections; c++) {
			Lane lane = load.new Lane();
			for (int s = 0; s < streams; s++) {
				Thread thread = new Thread(() -> load.run(lane, requestsPerSecond, maxRequests, deadline),
						"h2-load-" + c + "-" + s);
				thread.setDaemon(true);
				load.threads.add(thread);
				thread.start();
			}
		}
		return load;
	}

	private void run(Lane lane, int rate, long maxRequests, long deadline) {
		long interval = TimeUnit.SECONDS.toNanos(1) / rate;
		long next = System.nanoTime();
		for (long n = 0; n < maxRequests && !this.stopped && System.nanoTime() < deadline; n++) {
			String error = request(lane);
			this.recorder.record(next, System.nanoTime() - next, error);
			next += interval;
			// parkNanos may return early: a request never starts before its time.
			for (long wait = next - System.nanoTime(); wait > 0; wait = next - System.nanoTime()) {
				LockSupport.parkNanos(wait);
			}
		}
	}

	private String request(Lane lane) {
		for (int attempt = 0;; attempt++) {
			Outcome outcome = lane.get(this.path);
			if (outcome.status() == 200) {
				this.ok.incrementAndGet();
				if (outcome.body().contains("pid ")) {
					this.pids.add(outcome.body().replaceAll("(?s).*pid (\\d+).*", "$1"));
				}
				return null;
			}
			if (outcome.unprocessed() && attempt < 3) {
				this.retried.incrementAndGet();
				continue;
			}
			this.failures.incrementAndGet();
			this.errors.add(outcome.error());
			return outcome.error();
		}
	}

	long ok() {
		return this.ok.get();
	}

	long failures() {
		return this.failures.get();
	}

	/** Connections that received a GOAWAY. */
	long goAways() {
		return this.goAways.get();
	}

	Set<String> pids() {
		return this.pids;
	}

	/** Wait for the loops to reach their deadline or request count. */
	void await() throws Exception {
		for (Thread thread : this.threads) {
			thread.join();
		}
		this.client.stop();
	}

	void stop() throws Exception {
		this.stopped = true;
		for (Thread thread : this.threads) {
			thread.join(TimeUnit.SECONDS.toMillis(STREAM_TIMEOUT_SECONDS * 2));
		}
		this.client.stop();
	}

	@Override
	public void close() throws Exception {
		stop();
	}

	@Override
	public String toString() {
		return "ok=" + this.ok + " failures=" + this.failures + " retriedUnprocessed=" + this.retried + " connections="
				+ this.connections + " goAways=" + this.goAways + " errors=" + this.errors;
	}

	/** The result of one request. */
	private record Outcome(int status, String body, boolean unprocessed, String error) {

		static Outcome failed(boolean unprocessed, String error) {
			return new Outcome(0, "", unprocessed, error);
		}

	}

	/** One connection at a time, replaced once the server sent GOAWAY or it closed. */
	private final class Lane {

		private Connection current;

		synchronized Connection connection() throws Exception {
			if (this.current == null || this.current.goAway != null || this.current.session.isClosed()) {
				Connection connection = new Connection();
				connection.session = H2Load.this.client.connect(H2Load.this.address, connection)
					.get(STREAM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
				H2Load.this.connections.incrementAndGet();
				this.current = connection;
			}
			return this.current;
		}

		Outcome get(String path) {
			Connection connection;
			try {
				connection = connection();
			}
			catch (Exception ex) {
				return Outcome.failed(false, "connect: " + ex);
			}
			return connection.get(path);
		}

	}

	/** An HTTP/2 session and the GOAWAY it received, if any. */
	private final class Connection implements Session.Listener {

		private volatile Session session;

		private volatile GoAwayFrame goAway;

		@Override
		public void onGoAway(Session session, GoAwayFrame frame) {
			if (this.goAway == null) {
				H2Load.this.goAways.incrementAndGet();
			}
			this.goAway = frame;
		}

		/** Whether the server said it did not process the stream (RFC 9113, 6.8). */
		private boolean notProcessed(Stream stream) {
			GoAwayFrame frame = this.goAway;
			return stream != null && frame != null && stream.getId() > frame.getLastStreamId();
		}

		Outcome get(String path) {
			CompletableFuture<Outcome> outcome = new CompletableFuture<>();
			MetaData.Request request = new MetaData.Request("GET",
					HttpURI.from("http://127.0.0.1:" + H2Load.this.address.getPort() + path), HttpVersion.HTTP_2,
					HttpFields.EMPTY);
			Response response = new Response(outcome);
			CompletableFuture<Stream> stream = this.session.newStream(new HeadersFrame(request, null, true), response);
			try {
				stream.get(STREAM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				// No HEADERS frame left: the server never saw the request.
				return Outcome.failed(true, "new stream: " + ex);
			}
			try {
				return outcome.get(STREAM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			}
			catch (TimeoutException ex) {
				return Outcome.failed(false, "no response within " + STREAM_TIMEOUT_SECONDS + " s");
			}
			catch (Exception ex) {
				return Outcome.failed(false, ex.toString());
			}
		}

		/** What comes back on one stream. */
		private final class Response implements Stream.Listener {

			private final CompletableFuture<Outcome> outcome;

			private final StringBuilder body = new StringBuilder();

			private int status;

			Response(CompletableFuture<Outcome> outcome) {
				this.outcome = outcome;
			}

			@Override
			public void onHeaders(Stream stream, HeadersFrame frame) {
				if (frame.getMetaData() instanceof MetaData.Response response) {
					this.status = response.getStatus();
				}
				if (frame.isEndStream()) {
					complete();
				}
				else {
					stream.demand();
				}
			}

			@Override
			public void onDataAvailable(Stream stream) {
				Stream.Data data = stream.readData();
				if (data == null) {
					stream.demand();
					return;
				}
				ByteBuffer buffer = data.frame().getByteBuffer();
				this.body.append(StandardCharsets.UTF_8.decode(buffer));
				data.release();
				if (data.frame().isEndStream()) {
					complete();
				}
				else {
					stream.demand();
				}
			}

			private void complete() {
				this.outcome.complete(new Outcome(this.status, this.body.toString(), false,
						(this.status == 200) ? null : "HTTP " + this.status));
			}

			@Override
			public void onReset(Stream stream, ResetFrame frame, Callback callback) {
				boolean refused = frame.getError() == ErrorCode.REFUSED_STREAM_ERROR.code;
				this.outcome.complete(Outcome.failed(refused || notProcessed(stream),
						"reset " + ErrorCode.toString(frame.getError(), "?")));
				callback.succeeded();
			}

			@Override
			public void onFailure(Stream stream, int error, String reason, Throwable failure, Callback callback) {
				this.outcome.complete(Outcome.failed(notProcessed(stream),
						"stream failure " + ErrorCode.toString(error, "?") + " " + reason + " " + failure));
				callback.succeeded();
			}

		}

	}

}
