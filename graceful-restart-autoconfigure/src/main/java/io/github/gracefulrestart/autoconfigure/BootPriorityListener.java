package io.github.gracefulrestart.autoconfigure;

import io.github.gracefulrestart.handover.Handoff;
import io.github.gracefulrestart.process.BootPriority;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Hands the {@link BootPriority} of a generation that boots lowered while another one
 * serves ({@code graceful-restart.boot-nice}) to the application context (through the
 * bootstrap context), whose readiness takes the priority back. A generation that the
 * serving one started lowered only notes the normal value it was told; one started at the
 * normal priority (by a supervisor) lowers its threads here, as early as its
 * configuration is known.
 */
public class BootPriorityListener implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

	/**
	 * The bean name of the {@link BootPriority} of a generation that booted with a
	 * lowered one.
	 */
	static final String BEAN_NAME = "gracefulRestartBootPriority";

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 1;
	}

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		if (System.getenv(Handoff.PARENT_PID) == null) {
			return;
		}
		String normal = System.getenv(Handoff.NORMAL_NICE);
		if (normal != null) {
			// No native call before the auto-configuration loads them: they are needed
			// only to take the priority back.
			register(event, new BootPriority(NativeSupportCondition::nativeOs, Integer.parseInt(normal)));
			return;
		}
		GracefulRestartProperties properties = Binder.get(event.getEnvironment())
			.bindOrCreate("graceful-restart", GracefulRestartProperties.class);
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
			register(event, priority);
		}
	}

	private static void register(ApplicationEnvironmentPreparedEvent event, BootPriority priority) {
		event.getBootstrapContext()
			.addCloseListener(
					(closed) -> closed.getApplicationContext().getBeanFactory().registerSingleton(BEAN_NAME, priority));
	}

}
