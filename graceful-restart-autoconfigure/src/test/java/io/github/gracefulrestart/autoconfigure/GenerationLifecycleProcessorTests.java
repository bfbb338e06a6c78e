package io.github.gracefulrestart.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.gracefulrestart.BackgroundWork;
import org.junit.jupiter.api.Test;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link GenerationLifecycleProcessor} and {@link BackgroundWorkBeans}: a real
 * context with a real task scheduler and {@code @Scheduled} task.
 */
class GenerationLifecycleProcessorTests {

	@Test
	void aGenerationBesideAServingOneRunsNoBackgroundWorkUntilItStartsIt() {
		try (AnnotationConfigApplicationContext context = context(true,
				new GracefulRestartProperties.BackgroundWork())) {
			Work work = context.getBean(Work.class);
			Container container = context.getBean("container", Container.class);
			Container server = context.getBean("server", Container.class);
			assertThat(server.isRunning()).as("serving starts at the refresh").isTrue();
			await("no scheduled run while deferred").during(Duration.ofMillis(500))
				.atMost(Duration.ofSeconds(5))
				.until(() -> work.runs.get() == 0 && !container.isRunning());

			processor(context).work().start();

			await().atMost(Duration.ofSeconds(10)).until(() -> work.runs.get() >= 3);
			assertThat(container.isRunning()).isTrue();
		}
	}

	@Test
	void stoppingTheWorkWaitsForTheTaskThatRunsAndNoTaskRunsAfterItNotEvenAtTheClose() throws Exception {
		try (AnnotationConfigApplicationContext context = context(false,
				new GracefulRestartProperties.BackgroundWork())) {
			Work work = context.getBean(Work.class);
			Container container = context.getBean("container", Container.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> work.runs.get() >= 2);
			assertThat(container.isRunning()).as("a first generation starts its work at once").isTrue();
			work.slow.set(true);
			assertThat(work.inside.await(10, TimeUnit.SECONDS)).isTrue();

			assertThat(processor(context).work().stop()).isEmpty();

			assertThat(work.running.get()).as("the task that ran has finished").isZero();
			int runs = work.runs.get();
			await("no run after the stop").during(Duration.ofMillis(500))
				.atMost(Duration.ofSeconds(5))
				.until(() -> work.runs.get() == runs);
			assertThat(container.isRunning()).isFalse();
			assertThat(context.getBean("server", Container.class).isRunning()).isTrue();
			// Closing releases the scheduler's paused threads: the task each held must
			// not run.
			context.close();
			assertThat(work.runs.get()).isEqualTo(runs);
		}
	}

	@Test
	void aBeanCanBeMovedEitherWayByNameOrAnnotation() {
		GracefulRestartProperties.BackgroundWork properties = new GracefulRestartProperties.BackgroundWork();
		properties.getExclude().add("taskScheduler");
		properties.getInclude().add("server");
		try (AnnotationConfigApplicationContext context = context(true, properties)) {
			assertThat(context.getBean("server", Container.class).isRunning()).isFalse();
			assertThat(context.getBean("notWork", Container.class).isRunning()).as("@BackgroundWork(false)").isTrue();
			await("an excluded scheduler runs its tasks").atMost(Duration.ofSeconds(10))
				.until(() -> context.getBean(Work.class).runs.get() >= 2);
		}
	}

	private static GenerationLifecycleProcessor processor(AbstractApplicationContext context) {
		return context.getBean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME,
				GenerationLifecycleProcessor.class);
	}

	private static AnnotationConfigApplicationContext context(boolean beside,
			GracefulRestartProperties.BackgroundWork properties) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		GenerationLifecycleProcessor processor = new GenerationLifecycleProcessor(
				new BackgroundWorkBeans(properties, Duration.ofSeconds(10)), beside);
		context.getBeanFactory().registerSingleton(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME, processor);
		processor.setBeanFactory(context.getBeanFactory());
		context.register(Config.class);
		context.refresh();
		return context;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class Config {

		@Bean
		ThreadPoolTaskScheduler taskScheduler() {
			return new ThreadPoolTaskScheduler();
		}

		@Bean
		Work work() {
			return new Work();
		}

		@Bean
		@BackgroundWork
		Container container() {
			return new Container();
		}

		@Bean
		Container server() {
			return new Container();
		}

		@Bean
		@BackgroundWork(false)
		ThreadPoolTaskSchedulerLike notWork() {
			return new ThreadPoolTaskSchedulerLike();
		}

	}

	static class Work {

		final AtomicInteger runs = new AtomicInteger();

		final AtomicInteger running = new AtomicInteger();

		final AtomicBoolean slow = new AtomicBoolean();

		final CountDownLatch inside = new CountDownLatch(1);

		@Scheduled(fixedRate = 50)
		void run() throws InterruptedException {
			this.running.incrementAndGet();
			try {
				if (this.slow.get()) {
					this.inside.countDown();
					Thread.sleep(300);
				}
				this.runs.incrementAndGet();
			}
			finally {
				this.running.decrementAndGet();
			}
		}

	}

	static class Container implements SmartLifecycle {

		private volatile boolean running;

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

	}

	/** A lifecycle bean that would be work by its type, marked as not. */
	static class ThreadPoolTaskSchedulerLike extends Container implements org.springframework.scheduling.TaskScheduler {

		@Override
		public java.util.concurrent.ScheduledFuture<?> schedule(Runnable task,
				org.springframework.scheduling.Trigger trigger) {
			throw new UnsupportedOperationException();
		}

		@Override
		public java.util.concurrent.ScheduledFuture<?> schedule(Runnable task, java.time.Instant startTime) {
			throw new UnsupportedOperationException();
		}

		@Override
		public java.util.concurrent.ScheduledFuture<?> scheduleAtFixedRate(Runnable task, java.time.Instant startTime,
				Duration period) {
			throw new UnsupportedOperationException();
		}

		@Override
		public java.util.concurrent.ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration period) {
			throw new UnsupportedOperationException();
		}

		@Override
		public java.util.concurrent.ScheduledFuture<?> scheduleWithFixedDelay(Runnable task,
				java.time.Instant startTime, Duration delay) {
			throw new UnsupportedOperationException();
		}

		@Override
		public java.util.concurrent.ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration delay) {
			throw new UnsupportedOperationException();
		}

	}

}
