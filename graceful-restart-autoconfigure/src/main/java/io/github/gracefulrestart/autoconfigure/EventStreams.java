package io.github.gracefulrestart.autoconfigure;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.DeferredResultProcessingInterceptor;

/**
 * The server-sent event streams in flight in Spring MVC ({@code SseEmitter}, and any
 * {@code ResponseBodyEmitter} answering {@code text/event-stream}), so that a generation
 * that hands over can end them: an emitter's response is a {@link DeferredResult}, which
 * its {@code complete()} sets, ending the response with its terminating chunk. An
 * {@code EventSource} then reconnects, to the new generation. Other asynchronous
 * responses (long polls, downloads) are left to finish.
 * <p>
 * A client that reconnects on a kept-alive connection to this generation reaches it
 * again: once ended, a stream that starts here is ended too as soon as it has started
 * (its response says {@code Connection: close} during the drain), so the next reconnect
 * opens a connection, which the new generation accepts.
 */
class EventStreams implements DeferredResultProcessingInterceptor, OpenEventStreams {

	private static final String EVENT_STREAM = "text/event-stream";

	/** How often, and how many times, a stream started during the drain is looked at. */
	private static final long CHECK_MS = 50;

	private static final int CHECKS = 100;

	private final Map<DeferredResult<?>, NativeWebRequest> inFlight = new ConcurrentHashMap<>();

	private volatile ScheduledExecutorService draining;

	@Override
	public <T> void preProcess(NativeWebRequest request, DeferredResult<T> deferredResult) {
		this.inFlight.put(deferredResult, request);
		ScheduledExecutorService draining = this.draining;
		if (draining != null) {
			endOnceStarted(draining, deferredResult, request, CHECKS);
		}
	}

	@Override
	public <T> void afterCompletion(NativeWebRequest request, DeferredResult<T> deferredResult) {
		this.inFlight.remove(deferredResult);
	}

	/**
	 * Return how many event streams are open.
	 * @return the number of streams
	 */
	@Override
	public int open() {
		return (int) this.inFlight.entrySet()
			.stream()
			.filter((entry) -> !entry.getKey().isSetOrExpired() && isEventStream(entry.getValue()))
			.count();
	}

	/**
	 * End every event stream in flight, and from now on those that start.
	 * @return how many were ended
	 */
	@Override
	public int endAll() {
		if (this.draining == null) {
			this.draining = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "graceful-restart-event-streams");
				thread.setDaemon(true);
				return thread;
			});
		}
		int ended = 0;
		for (Map.Entry<DeferredResult<?>, NativeWebRequest> entry : this.inFlight.entrySet()) {
			if (isEventStream(entry.getValue()) && entry.getKey().setResult(null)) {
				ended++;
			}
		}
		return ended;
	}

	/**
	 * End a stream once its response is an event stream that has started (its headers
	 * written: an {@code EventSource} given no {@code text/event-stream} would not
	 * reconnect).
	 */
	private void endOnceStarted(ScheduledExecutorService executor, DeferredResult<?> result, NativeWebRequest request,
			int checks) {
		executor.schedule(() -> {
			HttpServletResponse response = request.getNativeResponse(HttpServletResponse.class);
			if (result.isSetOrExpired() || response == null) {
				return;
			}
			if (isEventStream(request) && response.isCommitted()) {
				result.setResult(null);
			}
			else if (checks > 1) {
				endOnceStarted(executor, result, request, checks - 1);
			}
		}, CHECK_MS, TimeUnit.MILLISECONDS);
	}

	private static boolean isEventStream(NativeWebRequest request) {
		HttpServletResponse response = request.getNativeResponse(HttpServletResponse.class);
		String type = (response != null) ? response.getContentType() : null;
		return type != null && type.startsWith(EVENT_STREAM);
	}

}
