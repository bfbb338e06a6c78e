package io.github.gracefulrestart.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import io.github.gracefulrestart.handover.RestartCoordinator;
import io.github.gracefulrestart.HealthGate;
import io.github.gracefulrestart.RestartableServer;
import io.github.gracefulrestart.Warmup;
import io.github.gracefulrestart.process.BootPriority;
import io.github.gracefulrestart.autoconfigure.event.GenerationReadyEvent;
import io.github.gracefulrestart.process.SignalTrigger;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;

/**
 * Connects the application's life to the coordinator: installs the restart signal's
 * handler, and marks the generation ready (which tells the previous generation to drain)
 * once the application accepts traffic, that is after its context refreshed, its web
 * servers started and its runners ran. A generation that takes over from a serving one
 * first waits until its health is up, warms up, takes its normal CPU priority back and
 * publishes {@link GenerationReadyEvent}; a warm-up that fails ends it, and the serving
 * one keeps serving.
 */
class GracefulRestartTriggers
		implements SmartInitializingSingleton, ApplicationListener<AvailabilityChangeEvent<ReadinessState>> {

	private static final Log logger = LogFactory.getLog(GracefulRestartTriggers.class);

	/**
	 * How long after the takeover the JIT compiler threads keep the boot's priority: the
	 * compilations of what the clients' requests run through come in the first seconds of
	 * serving, while the old generation drains and closes (2026-11-28,
	 * {@code bench/run.sh --latency}: p99 in the restart windows on Jetty 17.7 and 20.7
	 * ms against 24.5 ms with the compilers restored at once; on Tomcat 16.6 and 18.3
	 * against 14.8, within its run-to-run spread).
	 */
	private static final Duration COMPILERS_LATER = Duration.ofSeconds(20);

	private final RestartCoordinator coordinator;

	private final String signal;

	private final Takeover takeover;

	/**
	 * Create the triggers.
	 * @param takeover what a generation does before it takes over from a serving one, or
	 * null for a generation that takes over from none
	 */
	GracefulRestartTriggers(RestartCoordinator coordinator, String signal, Takeover takeover) {
		this.coordinator = coordinator;
		this.signal = signal;
		this.takeover = takeover;
	}

	@Override
	public void afterSingletonsInstantiated() {
		SignalTrigger.install(this.signal, this.coordinator::requestRestart);
	}

	@Override
	public void onApplicationEvent(AvailabilityChangeEvent<ReadinessState> event) {
		if (event.getState() != ReadinessState.ACCEPTING_TRAFFIC) {
			return;
		}
		if (this.takeover == null) {
			this.coordinator.ready();
			return;
		}
		// On a thread of its own: the readiness state that the health group reads changes
		// once every listener of this event has returned, and the wait may be long.
		Thread thread = new Thread(this::takeOver, "graceful-restart-takeover");
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * Take over, or fail at once: an exception of the application's code or of a server
	 * on the way (a warm-up hook, a web server that cannot start accepting) ends this
	 * generation, so that the serving one hears it now, not at its start-up timeout.
	 */
	private void takeOver() {
		try {
			takeOverOrNot();
		}
		catch (RuntimeException ex) {
			String why = "its takeover failed: " + ex;
			logger.error("Generation " + this.coordinator.generation() + " does not take over: " + why, ex);
			this.coordinator.notReady(List.of(), why);
			this.takeover.failed().run();
		}
	}

	private void takeOverOrNot() {
		Takeover takeover = this.takeover;
		if (takeover.gate() != null && !takeover.gate()
			.await(this.coordinator::notReady, this.coordinator::isShuttingDown,
					this.coordinator::predecessorServing)) {
			return;
		}
		Warmup.Result warmedUp = (takeover.warmup() != null) ? takeover.warmup().run(takeover.servers().get()) : null;
		if (warmedUp != null && warmedUp.failure() != null) {
			this.coordinator.notReady(List.of(), warmedUp.failure());
			logger.error("Generation " + this.coordinator.generation() + " does not take over: " + warmedUp.failure());
			takeover.failed().run();
			return;
		}
		if (takeover.bootPriority() != null) {
			takeover.bootPriority().restore(COMPILERS_LATER);
		}
		try {
			takeover.events()
				.publishEvent(new GenerationReadyEvent(this.coordinator, this.coordinator.generation(), warmedUp));
		}
		catch (RuntimeException ex) {
			// The application's own code: it changes nothing of the restart.
			logger.error("A listener of GenerationReadyEvent failed" + RestartEventPublisher.origin(ex)
					+ "; generation " + this.coordinator.generation() + " takes over all the same", ex);
		}
		this.coordinator.ready(warmedUp);
	}

	/**
	 * What a generation does before it takes over from a serving one.
	 *
	 * @param gate the health it waits for, or null
	 * @param warmup the warm-up, or null for none
	 * @param servers the running web servers
	 * @param bootPriority the priority this generation booted with, or null when it was
	 * not lowered
	 * @param events where {@link GenerationReadyEvent} goes
	 * @param failed ends this generation after a failed warm-up
	 */
	record Takeover(HealthGate gate, Warmup warmup, Supplier<List<RestartableServer>> servers,
			BootPriority bootPriority, ApplicationEventPublisher events, Runnable failed) {

	}

}
