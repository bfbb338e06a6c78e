package io.github.gracefulrestart.tomcat;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.http11.upgrade.UpgradeProcessorInternal;
import org.apache.coyote.http2.Http2Protocol;

/**
 * Tells a draining Tomcat's HTTP/2 connections to go, the two-step way RFC 9113 (6.8)
 * describes. Closing the server socket gracefully makes Tomcat send each HTTP/2
 * connection that is waiting for its next frame a first GOAWAY (last-stream-id 2^31-1:
 * "stop opening streams"). Tomcat sends the second one, naming the last stream it took,
 * only when the client opens another stream; a client that obeyed the first and waits for
 * the second before it closes (Jetty's does) would keep the connection, and this
 * generation, until the drain timeout. So every quarter second while the drain lasts,
 * each HTTP/2 connection gets the first GOAWAY if it was busy when the socket closed, and
 * the second once a round trip has passed since the first (Tomcat's own check). The
 * second step calls Tomcat's package-private {@code checkPauseState()}; should a Tomcat
 * version lack it, the connections end as Tomcat alone would end them, by the client or
 * the keep-alive timeout.
 */
final class Http2GoAway implements Runnable {

	private static final Log logger = LogFactory.getLog(Http2GoAway.class);

	private static final long PERIOD_MILLIS = 250;

	private static final Field HANDLER = accessible(
			() -> UpgradeProcessorInternal.class.getDeclaredField("internalHttpUpgradeHandler"));

	private static final Method SECOND_GOAWAY = accessible(() -> Class
		.forName("org.apache.coyote.http2.Http2UpgradeHandler", false, Http2Protocol.class.getClassLoader())
		.getDeclaredMethod("checkPauseState"));

	private final List<GracefulNioProtocol> protocols;

	private final AtomicReference<ScheduledFuture<?>> schedule = new AtomicReference<>();

	private Http2GoAway(List<GracefulNioProtocol> protocols) {
		this.protocols = protocols;
	}

	/**
	 * Start telling the HTTP/2 connections of the protocols that have HTTP/2 to go; it
	 * ends by itself once they have no connection left or stopped.
	 * @param executor where to run
	 * @param protocols the protocols that stopped accepting
	 */
	static void start(ScheduledExecutorService executor, List<GracefulNioProtocol> protocols) {
		List<GracefulNioProtocol> http2 = protocols.stream()
			.filter((protocol) -> Arrays.stream(protocol.findUpgradeProtocols())
				.anyMatch(Http2Protocol.class::isInstance))
			.toList();
		if (!http2.isEmpty() && executor != null) {
			Http2GoAway goAway = new Http2GoAway(http2);
			goAway.schedule
				.set(executor.scheduleWithFixedDelay(goAway, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS));
		}
	}

	@Override
	public void run() {
		boolean connections = false;
		for (GracefulNioProtocol protocol : this.protocols) {
			connections |= protocol.getOpenConnections() > 0;
			for (Object waiting : protocol.waitingProcessors()) {
				if (waiting instanceof UpgradeProcessorInternal processor) {
					processor.pause();
					sendSecondGoAway(processor);
				}
			}
		}
		if (!connections) {
			ScheduledFuture<?> schedule = this.schedule.get();
			if (schedule != null) {
				schedule.cancel(false);
			}
		}
	}

	private static void sendSecondGoAway(UpgradeProcessorInternal processor) {
		if (HANDLER == null || SECOND_GOAWAY == null) {
			return;
		}
		try {
			Object handler = HANDLER.get(processor);
			if (SECOND_GOAWAY.getDeclaringClass().isInstance(handler)) {
				SECOND_GOAWAY.invoke(handler);
			}
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			logger.debug("Cannot send the second GOAWAY on " + processor, ex);
		}
	}

	private static <T extends java.lang.reflect.AccessibleObject> T accessible(Lookup<T> lookup) {
		try {
			T member = lookup.find();
			member.setAccessible(true);
			return member;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			logger.debug("HTTP/2 connections get Tomcat's first GOAWAY only", ex);
			return null;
		}
	}

	@FunctionalInterface
	private interface Lookup<T> {

		T find() throws ReflectiveOperationException;

	}

}
