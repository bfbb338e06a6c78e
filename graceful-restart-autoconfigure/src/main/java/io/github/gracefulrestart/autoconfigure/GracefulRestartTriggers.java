package io.github.gracefulrestart.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import io.github.gracefulrestart.handover.RestartCoordinator;
import io.github.gracefulrestart.RestartableServer;
import io.github.gracefulrestart.Warmup;
import io.github.gracefulrestart.process.BootPriority;
import io.github.gracefulrestart.process.SignalTrigger;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationListener;

/**
 * Connects the application's life to the coordinator: installs the restart signal's handler, and
 * marks the generation ready (which tells the previous generation to drain) once the application
 * accepts traffic, that is after its context refreshed, its web servers started and its runners
 * ran. A generation that takes over from a serving one first warms up and takes its normal CPU
 * priority back.
 */
class GracefulRestartTriggers
		implements SmartInitializingSingleton, ApplicationListener<AvailabilityChangeEvent<ReadinessState>> {

	/**
	 * How long after the takeover the JIT compiler threads keep the boot's priority: the
	 * compilations of what the clients' requests run through come in the first seconds of serving,
	 * while the old generation drains and closes (2026-11-28, {@code bench/run.sh --latency}: p99
	 * in the restart windows on Jetty 17.7 and 20.7 ms against 24.5 ms with the compilers restored
	 * at once; on Tomcat 16.6 and 18.3 against 14.8, within its run-to-run spread).
	 */
	private static final Duration COMPILERS_LATER = Duration.ofSeconds(20);

	private final RestartCoordinator coordinator;

	private final String signal;

	private final Warmup warmup;

	private final Supplier<List<RestartableServer>> servers;

	private final BootPriority bootPriority;

	/**
	 * Create the triggers.
	 * @param warmup the warm-up, or null for none
	 * @param bootPriority the priority this generation booted with, or null when it was not
	 * lowered
	 */
	GracefulRestartTriggers(RestartCoordinator coordinator, String signal, Warmup warmup,
			Supplier<List<RestartableServer>> servers, BootPriority bootPriority) {
		this.coordinator = coordinator;
		this.signal = signal;
		this.warmup = warmup;
		this.servers = servers;
		this.bootPriority = bootPriority;
	}

	@Override
	public void afterSingletonsInstantiated() {
		SignalTrigger.install(this.signal, this.coordinator::requestRestart);
	}

	@Override
	public void onApplicationEvent(AvailabilityChangeEvent<ReadinessState> event) {
		if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
			Warmup.Result warmedUp = (this.warmup != null) ? this.warmup.run(this.servers.get()) : null;
			if (this.bootPriority != null) {
				this.bootPriority.restore(COMPILERS_LATER);
			}
			this.coordinator.ready(warmedUp);
		}
	}

}
