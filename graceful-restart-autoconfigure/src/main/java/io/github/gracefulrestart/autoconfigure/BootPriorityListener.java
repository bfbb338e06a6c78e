package io.github.gracefulrestart.autoconfigure;

import io.github.gracefulrestart.Handoff;
import io.github.gracefulrestart.process.BootPriority;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Lowers the CPU priority of a generation that boots while another one serves
 * ({@code graceful-restart.boot-nice}), as early as the configuration is known, and hands the
 * {@link BootPriority} to the application context (through the bootstrap context), whose
 * readiness takes the priority back.
 */
public class BootPriorityListener implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

	/** The bean name of the {@link BootPriority} of a generation that booted with a lowered one. */
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
			event.getBootstrapContext().addCloseListener((closed) -> closed.getApplicationContext()
				.getBeanFactory()
				.registerSingleton(BEAN_NAME, priority));
		}
	}

}
