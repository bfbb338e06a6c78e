package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.gracefulrestart.autoconfigure.event.DrainStartedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Long-lived connections: {@code GET /news} and {@code GET /ticks}, server-sent event
 * streams with a tick every second. The application ends each {@code /news} stream itself
 * when this generation hands over, in its listener of {@link DrainStartedEvent}, before
 * the drain waits for the open connections (graceful-restart would otherwise, as it does
 * {@code /ticks}): an {@code EventSource} reconnects at once (after the {@code retry} it
 * was given), to the new generation, and this one exits without waiting for the drain
 * timeout.
 */
@RestController
class NewsStream implements DisposableBean {

	private static final Log logger = LogFactory.getLog(NewsStream.class);

	private final Set<SseEmitter> streams = ConcurrentHashMap.newKeySet();

	private final Set<SseEmitter> unmanaged = ConcurrentHashMap.newKeySet();

	private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();

	private final String version;

	private final long pid = ProcessHandle.current().pid();

	NewsStream(@Value("${sample.version}") String version) {
		this.version = version;
		this.ticks.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
	}

	@GetMapping("/news")
	SseEmitter news() throws IOException {
		return open(this.streams, "News");
	}

	/**
	 * The same stream, which the application does not end itself: graceful-restart ends
	 * it when this generation hands over (graceful-restart.drain.end-event-streams).
	 */
	@GetMapping("/ticks")
	SseEmitter ticks() throws IOException {
		return open(this.unmanaged, "Tick");
	}

	private SseEmitter open(Set<SseEmitter> streams, String kind) throws IOException {
		SseEmitter stream = new SseEmitter(0L);
		stream.onCompletion(() -> streams.remove(stream));
		stream.onError((ex) -> streams.remove(stream));
		streams.add(stream);
		logger.info(kind + " stream opened (" + streams.size() + " open)");
		stream.send(SseEmitter.event().reconnectTime(100).data("version " + this.version + " pid " + this.pid));
		return stream;
	}

	private void tick() {
		tick(this.streams);
		tick(this.unmanaged);
	}

	private void tick(Set<SseEmitter> streams) {
		for (SseEmitter stream : streams) {
			try {
				stream.send(SseEmitter.event().data("tick from pid " + this.pid));
			}
			catch (IOException | IllegalStateException ex) {
				streams.remove(stream);
			}
		}
	}

	@EventListener
	void handedOver(DrainStartedEvent event) {
		logger.info("Generation " + event.getGeneration() + " hands over: ending " + this.streams.size()
				+ " news stream(s), their clients reconnect to the new generation");
		for (SseEmitter stream : this.streams) {
			stream.complete();
		}
		this.streams.clear();
	}

	@Override
	public void destroy() {
		this.ticks.shutdownNow();
	}

}
