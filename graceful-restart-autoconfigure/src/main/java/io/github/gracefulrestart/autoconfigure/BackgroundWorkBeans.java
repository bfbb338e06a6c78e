package io.github.gracefulrestart.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.gracefulrestart.BackgroundWork;
import io.github.gracefulrestart.GenerationWork;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.Lifecycle;
import org.springframework.context.Phased;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.config.ScheduledTaskHolder;

/**
 * The lifecycle beans of a generation that are background work, started and stopped with
 * Spring's own lifecycle callbacks, phase by phase as the context would: task schedulers
 * (stopped, they pause, and the task that runs finishes; the {@code @Scheduled} tasks of
 * a retiring generation are then cancelled), and the listener containers of JMS, Kafka,
 * RabbitMQ and Pulsar (stopped, each finishes the message it handles). A bean's
 * {@link BackgroundWork} annotation and the include and exclude lists by bean name move a
 * bean either way.
 */
class BackgroundWorkBeans implements GenerationWork {

	private static final Log logger = LogFactory.getLog(BackgroundWorkBeans.class);

	/**
	 * Work by type, named so that none of these libraries needs to be on the class path.
	 */
	private static final Set<String> WORK_TYPES = Set.of("org.springframework.scheduling.TaskScheduler",
			"org.springframework.scheduling.quartz.SchedulerFactoryBean",
			"org.springframework.jms.config.JmsListenerEndpointRegistry",
			"org.springframework.jms.listener.AbstractJmsListeningContainer",
			"org.springframework.kafka.config.KafkaListenerEndpointRegistry",
			"org.springframework.kafka.listener.MessageListenerContainer",
			"org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry",
			"org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer",
			"org.springframework.pulsar.config.PulsarListenerEndpointRegistry",
			"org.springframework.pulsar.listener.PulsarMessageListenerContainer");

	private final GracefulRestartProperties.BackgroundWork properties;

	private final Duration timeoutPerPhase;

	private ConfigurableListableBeanFactory beanFactory;

	private Supplier<Map<String, Lifecycle>> lifecycleBeans;

	/**
	 * What this generation deferred at its refresh, until it starts it; guarded by this.
	 */
	private Map<String, Lifecycle> deferred;

	BackgroundWorkBeans(GracefulRestartProperties.BackgroundWork properties, Duration timeoutPerPhase) {
		this.properties = properties;
		this.timeoutPerPhase = timeoutPerPhase;
	}

	void use(ConfigurableListableBeanFactory beanFactory, Supplier<Map<String, Lifecycle>> lifecycleBeans) {
		this.beanFactory = beanFactory;
		this.lifecycleBeans = lifecycleBeans;
	}

	/**
	 * Whether a lifecycle bean is background work.
	 * @param name the bean's name
	 * @param bean the bean
	 * @return whether it is
	 */
	boolean isWork(String name, Lifecycle bean) {
		if (this.properties.getExclude().contains(name)) {
			return false;
		}
		if (this.properties.getInclude().contains(name)) {
			return true;
		}
		BackgroundWork marked = annotation(name);
		return (marked != null) ? marked.value() : isWorkType(bean.getClass());
	}

	private BackgroundWork annotation(String name) {
		try {
			return (this.beanFactory != null) ? this.beanFactory.findAnnotationOnBean(name, BackgroundWork.class)
					: null;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private static boolean isWorkType(Class<?> type) {
		for (Class<?> candidate = type; candidate != null; candidate = candidate.getSuperclass()) {
			if (WORK_TYPES.contains(candidate.getName())) {
				return true;
			}
			for (Class<?> implemented : candidate.getInterfaces()) {
				if (isWorkType(implemented)) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Whether the work is deferred: the context leaves it alone until {@link #start()}.
	 * @return whether it is deferred
	 */
	synchronized boolean deferring() {
		return this.deferred != null;
	}

	/**
	 * Defer the background work of a generation that starts beside a serving one: what
	 * would start with the context does not, and what already runs (a task scheduler runs
	 * from its creation) pauses, before any task is scheduled.
	 * @param beans the context's lifecycle beans
	 */
	synchronized void defer(Map<String, Lifecycle> beans) {
		this.deferred = new LinkedHashMap<>();
		beans.forEach((name, bean) -> {
			if (!isWork(name, bean)) {
				return;
			}
			if (bean.isRunning()) {
				bean.stop();
				this.deferred.put(name, bean);
			}
			else if (bean instanceof SmartLifecycle smart && smart.isAutoStartup()) {
				this.deferred.put(name, bean);
			}
		});
		if (!this.deferred.isEmpty()) {
			logger.info("Background work " + this.deferred.keySet()
					+ " starts once the serving generation has stopped its own");
		}
	}

	@Override
	public void start() {
		Map<String, Lifecycle> work;
		synchronized (this) {
			work = this.deferred;
			this.deferred = null;
		}
		if (work == null) {
			return;
		}
		for (Map.Entry<String, Lifecycle> bean : inPhaseOrder(work)) {
			try {
				bean.getValue().start();
			}
			catch (RuntimeException ex) {
				logger.error("Background work '" + bean.getKey() + "' failed to start", ex);
			}
		}
	}

	@Override
	public List<String> stop() {
		Map<String, Lifecycle> running = new LinkedHashMap<>();
		this.lifecycleBeans.get().forEach((name, bean) -> {
			if (bean.isRunning() && isWork(name, bean)) {
				running.put(name, bean);
			}
		});
		List<String> late = new ArrayList<>();
		TreeMap<Integer, Map<String, Lifecycle>> phases = new TreeMap<>(Comparator.reverseOrder());
		running
			.forEach((name, bean) -> phases.computeIfAbsent(phase(bean), (p) -> new LinkedHashMap<>()).put(name, bean));
		for (Map<String, Lifecycle> phase : phases.values()) {
			late.addAll(stopPhase(phase));
		}
		if (running.values().stream().anyMatch(TaskScheduler.class::isInstance)) {
			cancelScheduledTasks();
		}
		if (!running.isEmpty()) {
			logger.info("Stopped background work " + running.keySet());
		}
		return late;
	}

	/**
	 * A stopped scheduler is only paused: when the context closes after the drain, Spring
	 * releases its paused threads, and the task each was about to run would run once
	 * more, beside the next generation's. Cancelled, a scheduled task never runs again
	 * here; the one that ran finished.
	 */
	private void cancelScheduledTasks() {
		for (ScheduledTaskHolder holder : this.beanFactory.getBeansOfType(ScheduledTaskHolder.class, false, false)
			.values()) {
			holder.getScheduledTasks().forEach((task) -> task.cancel(false));
		}
	}

	/**
	 * Stop one phase's beans together, as the context does, and wait for their callbacks.
	 */
	private Collection<String> stopPhase(Map<String, Lifecycle> phase) {
		Set<String> pending = ConcurrentHashMap.newKeySet();
		pending.addAll(phase.keySet());
		CountDownLatch stopped = new CountDownLatch(phase.size());
		phase.forEach((name, bean) -> {
			Runnable done = () -> {
				if (pending.remove(name)) {
					stopped.countDown();
				}
			};
			try {
				if (bean instanceof SmartLifecycle smart) {
					smart.stop(done);
				}
				else {
					bean.stop();
					done.run();
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Background work '" + name + "' failed to stop", ex);
				done.run();
			}
		});
		try {
			stopped.await(this.timeoutPerPhase.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return List.copyOf(pending);
	}

	/** Lowest phase first, as the context starts them. */
	private static List<Map.Entry<String, Lifecycle>> inPhaseOrder(Map<String, Lifecycle> beans) {
		List<Map.Entry<String, Lifecycle>> entries = new ArrayList<>(beans.entrySet());
		entries.sort(Map.Entry.comparingByValue(Comparator.comparingInt(BackgroundWorkBeans::phase)));
		return entries;
	}

	private static int phase(Lifecycle bean) {
		return (bean instanceof Phased phased) ? phased.getPhase() : 0;
	}

}
