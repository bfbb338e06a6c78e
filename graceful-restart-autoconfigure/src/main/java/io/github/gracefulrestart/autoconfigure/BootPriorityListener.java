package io.github.gracefulrestart.autoconfigure;

import java.time.Duration;

import io.github.gracefulrestart.handover.Handoff;
import io.github.gracefulrestart.process.BootPriority;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Hands the {@link BootPriority} of a generation that boots lowered while another one serves
 * ({@code graceful-restart.boot-nice}) to the application context (through the bootstrap
 * context), whose readiness takes the priority back. A generation that the serving one started
 * lowered only notes the normal value it was told; one started at the normal priority (by a
 * supervisor) lowers its threads here, as early as its configuration is known. Either steps its
 * priority up while it is not ready ({@link BootPriority#stepUpEvery}).
 */
public class BootPriorityListener implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

	/** The bean name of the {@link BootPriority} of a generation that booted with a lowered one. */
	static final String BEAN_NAME = "gracefulRestartBootPriority";

	private static final Duration LEAST_STEP = Duration.ofSeconds(1);

	private static final Log logger = LogFactory.getLog(BootPriorityListener.class);

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 1;
	}

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		if (System.getenv(Handoff.PARENT_PID) == null) {
			return;
		}
		GracefulRestartProperties properties = Binder.get(event.getEnvironment())
			.bindOrCreate("graceful-restart", GracefulRestartProperties.class);
		Duration every = stepEvery(properties.getStartupTimeout(), System.getenv(Handoff.PREVIOUS_BOOT_MS));
		String normal = System.getenv(Handoff.NORMAL_NICE);
		if (normal != null) {
			// No native call before the auto-configuration loads them: they are needed only to change
			// the priority.
			BootPriority priority = new BootPriority(NativeSupportCondition::nativeOs, Integer.parseInt(normal));
			priority.stepUpEvery(every, BootPriorityListener::log);
			register(event, priority);
			return;
		}
		if (!properties.isEnabled()) {
			return;
		}
		BootPriority priority;
		try {
			priority = new BootPriority(NativeSupportCondition.nativeOs());
		}
		catch (IllegalStateException ex) {
			return;
		}
		if (priority.lowerWhileBooting(properties.getBootNice())) {
			priority.stepUpEvery(every, BootPriorityListener::log);
			register(event, priority);
		}
	}

	/**
	 * How long a lowered generation yields before each step up: as long as the generation before
	 * it took to boot (at least a second), at most an eighth of {@code startup-timeout}, so that
	 * it has its normal priority back by a quarter of it.
	 */
	static Duration stepEvery(Duration startupTimeout, String previousBootMs) {
		Duration most = startupTimeout.dividedBy(8);
		if (previousBootMs == null) {
			return most;
		}
		Duration previous;
		try {
			previous = Duration.ofMillis(Long.parseLong(previousBootMs.trim()));
		}
		catch (NumberFormatException ex) {
			return most;
		}
		Duration every = (previous.compareTo(LEAST_STEP) < 0) ? LEAST_STEP : previous;
		return (every.compareTo(most) > 0) ? most : every;
	}

	private static void log(String message) {
		logger.info("Generation " + System.getenv(Handoff.GENERATION) + " is " + message);
	}

	private static void register(ApplicationEnvironmentPreparedEvent event, BootPriority priority) {
		event.getBootstrapContext().addCloseListener((closed) -> closed.getApplicationContext()
			.getBeanFactory()
			.registerSingleton(BEAN_NAME, priority));
	}

}
