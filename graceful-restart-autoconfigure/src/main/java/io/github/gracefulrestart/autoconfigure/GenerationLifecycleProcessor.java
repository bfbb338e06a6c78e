package io.github.gracefulrestart.autoconfigure;

import java.util.Map;

import io.github.gracefulrestart.GenerationWork;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.Lifecycle;
import org.springframework.context.support.DefaultLifecycleProcessor;

/**
 * Spring's lifecycle processor, but for the background work of a generation that starts
 * beside a serving one: the context's refresh leaves that work stopped (paused, for a
 * task scheduler) until the generation takes over and the serving one has stopped its
 * own. Everything else, serving included, starts and stops as with Spring Boot's own
 * processor.
 */
class GenerationLifecycleProcessor extends DefaultLifecycleProcessor {

	private final BackgroundWorkBeans work;

	private final boolean deferAtRefresh;

	/**
	 * Create the processor.
	 * @param work the background work
	 * @param deferAtRefresh whether this generation starts beside a serving one
	 */
	GenerationLifecycleProcessor(BackgroundWorkBeans work, boolean deferAtRefresh) {
		this.work = work;
		this.deferAtRefresh = deferAtRefresh;
	}

	/**
	 * Return this generation's background work, for the restart machinery.
	 * @return the work
	 */
	GenerationWork work() {
		return this.work;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		super.setBeanFactory(beanFactory);
		this.work.use((ConfigurableListableBeanFactory) beanFactory, super::getLifecycleBeans);
	}

	@Override
	public void onRefresh() {
		if (this.deferAtRefresh) {
			this.work.defer(super.getLifecycleBeans());
		}
		super.onRefresh();
	}

	/** While the work is deferred, the context neither starts it nor stops it. */
	@Override
	protected Map<String, Lifecycle> getLifecycleBeans() {
		Map<String, Lifecycle> beans = super.getLifecycleBeans();
		if (this.work.deferring()) {
			beans.entrySet().removeIf((bean) -> this.work.isWork(bean.getKey(), bean.getValue()));
		}
		return beans;
	}

}
