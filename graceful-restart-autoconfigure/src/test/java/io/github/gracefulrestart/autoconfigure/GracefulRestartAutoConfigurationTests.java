package io.github.gracefulrestart.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartListener;
import io.github.gracefulrestart.autoconfigure.event.GracefulRestartEvent;
import io.github.gracefulrestart.autoconfigure.event.RestartFailedEvent;
import io.github.gracefulrestart.autoconfigure.event.RestartStartedEvent;
import io.github.gracefulrestart.handover.Handoff;
import io.github.gracefulrestart.handover.RestartCoordinator;
import io.github.gracefulrestart.autoconfigure.GracefulRestartProperties.RestartSignal;
import io.github.gracefulrestart.autoconfigure.tomcat.GracefulRestartTomcatAutoConfiguration;
import io.github.gracefulrestart.process.FakeOs;
import io.github.gracefulrestart.process.JnrNativeOs;
import io.github.gracefulrestart.process.NativeOs;
import jnr.posix.POSIX;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link GracefulRestartAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class GracefulRestartAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GracefulRestartAutoConfiguration.class,
				GracefulRestartTomcatAutoConfiguration.class));

	@Test
	void webApplicationGetsTheRestartMachineryWithDefaults() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RestartCoordinator.class)
				.hasSingleBean(Handoff.class)
				.hasBean("gracefulRestartDrainingFilter");
			assertThat(context.getBean(RestartCoordinator.class).generation()).isEqualTo(1);
			GracefulRestartProperties properties = context.getBean(GracefulRestartProperties.class);
			assertThat(properties.isEnabled()).isTrue();
			assertThat(properties.getSignal()).isEqualTo(RestartSignal.HUP);
			assertThat(properties.getStartupTimeout()).isEqualTo(Duration.ofMinutes(2));
			assertThat(properties.getDrainTimeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(properties.getStopTimeout()).isEqualTo(Duration.ofSeconds(10));
		});
	}

	@Test
	void aServletApplicationHearsWhenToCloseItsLongLivedConnectionsAndCanSayHow() {
		this.runner
			.withPropertyValues("graceful-restart.drain.web-socket-close-status=1001",
					"graceful-restart.drain.web-socket-close-reason=Going Away")
			.run((context) -> {
				assertThat(context).hasSingleBean(LongLivedConnections.class).hasSingleBean(EventStreams.class);
				GracefulRestartProperties.Drain drain = context.getBean(GracefulRestartProperties.class).getDrain();
				assertThat(drain.getWebSocketCloseStatus()).isEqualTo(1001);
				assertThat(drain.getWebSocketCloseReason()).isEqualTo("Going Away");
				assertThat(drain.isEndEventStreams()).isTrue();
			});
		assertStartUpFails("graceful-restart.drain.web-socket-close-status=1006",
				"graceful-restart.drain.web-socket-close-status");
	}

	@Test
	void restartOnANewJarIsOptInAndItsQuietPeriodMustBePositive(CapturedOutput output) {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(FileWatchRunner.class));
		this.runner
			.withPropertyValues("graceful-restart.watch.enabled=true", "graceful-restart.watch.files=build.gradle")
			.run((context) -> {
				assertThat(context).hasSingleBean(FileWatchRunner.class);
				assertThat(output).contains("Watching [build.gradle]");
			});
		assertStartUpFails("graceful-restart.watch.quiet-period=0s", "graceful-restart.watch.quiet-period");
	}

	@Test
	void aConfigurationThatStillSetsTheRemovedClassDataPropertiesHearsSo(CapturedOutput output) {
		this.runner.withPropertyValues("graceful-restart.class-data.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(RestartCoordinator.class);
			assertThat(output).contains("graceful-restart.class-data.* is no longer used");
		});
	}

	@Test
	void restartListenerBeansHearRestartsAndEventListenersHearTheEventsOfThisGeneration() {
		FakeOs os = new FakeOs(4000);
		this.runner.withBean(NativeOs.class, () -> os).withUserConfiguration(Listening.class).run((context) -> {
			RestartCoordinator coordinator = context.getBean(RestartCoordinator.class);
			Listening listening = context.getBean(Listening.class);
			coordinator.ready();
			assertThat(listening.heard).containsExactly("listener: ready 1 first");
			assertThat(coordinator.requestRestart("TEST").accepted()).isTrue();
			FakeOs.FakeChild child = os.awaitSpawn();
			child.say("NOTREADY db health group 'readiness' is DOWN: db DOWN");
			child.exit(1);
			await().atMost(Duration.ofSeconds(10)).until(() -> listening.heard.size() == 6);
			assertThat(listening.heard).containsExactlyInAnyOrder("listener: ready 1 first", "listener: started TEST",
					"event: RestartStartedEvent 1 TEST", "listener: failed", "event: RestartFailedEvent 1 FAILED",
					"listener: unhealthy [db]");
			assertThat(listening.heard.get(5)).isEqualTo("listener: unhealthy [db]");
			assertThat(listening.failed.getAttempt().message())
				.endsWith("; it reported: health group 'readiness' is DOWN: db DOWN");
		});
	}

	@Test
	void aPidFileFromSpringBootsPropertyNamesTheServingGeneration(
			@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
		java.nio.file.Path file = dir.resolve("app.pid");
		this.runner.withPropertyValues("spring.pid.file=" + file).run((context) -> {
			assertThat(context).hasSingleBean(io.github.gracefulrestart.process.PidFile.class);
			context.getBean(RestartCoordinator.class).ready();
			assertThat(file).hasContent(String.valueOf(ProcessHandle.current().pid()));
		});
	}

	@Test
	void nonWebApplicationGetsNothing() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(GracefulRestartAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RestartCoordinator.class));
	}

	@Test
	void reactiveApplicationStartsWithoutTheServletFilter() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(GracefulRestartAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("gracefulRestartDrainingFilter"));
	}

	@Test
	void disabledByProperty() {
		this.runner.withPropertyValues("graceful-restart.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RestartCoordinator.class)
				.doesNotHaveBean(WebServerRestartSupport.class));
	}

	@Test
	void offWithoutJnrPosixOnTheClasspath() {
		this.runner.withClassLoader(new FilteredClassLoader(POSIX.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RestartCoordinator.class));
	}

	@Test
	void userNativeOsReplacesOurs() {
		this.runner.withUserConfiguration(UserNativeOs.class).run((context) -> {
			assertThat(context).hasSingleBean(NativeOs.class);
			assertThat(context.getBean(NativeOs.class)).isSameAs(context.getBean(UserNativeOs.class).os);
		});
	}

	@Test
	void durationsAndSignalBind() {
		this.runner
			.withPropertyValues("graceful-restart.startup-timeout=5m", "graceful-restart.drain-timeout=0s",
					"graceful-restart.stop-timeout=2s", "graceful-restart.signal=usr1")
			.run((context) -> {
				GracefulRestartProperties properties = context.getBean(GracefulRestartProperties.class);
				assertThat(properties.getStartupTimeout()).isEqualTo(Duration.ofMinutes(5));
				assertThat(properties.getDrainTimeout()).isZero();
				assertThat(properties.getStopTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.getSignal()).isEqualTo(RestartSignal.USR1);
			});
	}

	@Test
	void malformedDurationStopsStartUpNamingTheProperty() {
		assertStartUpFails("graceful-restart.startup-timeout=banana", "graceful-restart.startup-timeout");
	}

	@Test
	void negativeDurationStopsStartUpNamingTheProperty() {
		assertStartUpFails("graceful-restart.drain-timeout=-1s", "graceful-restart.drain-timeout");
		assertStartUpFails("graceful-restart.startup-timeout=0s", "graceful-restart.startup-timeout");
	}

	@Test
	void unknownOrReservedSignalStopsStartUpNamingTheProperty() {
		assertStartUpFails("graceful-restart.signal=BANANA", "graceful-restart.signal");
		assertStartUpFails("graceful-restart.signal=TERM", "graceful-restart.signal");
	}

	@Test
	void aNewGenerationWarmsUpTheBusiestRoutesOfTheServingOnesClientsButActuatorsAndTheDeniedOnes() {
		GracefulRestartProperties.Warmup warmup = new GracefulRestartProperties.Warmup();
		warmup.getPaths().add("/hello");
		warmup.getTraffic().getDeny().add("/admin/**");
		warmup.getTraffic().setRoutes(3);
		org.springframework.mock.env.MockEnvironment environment = new org.springframework.mock.env.MockEnvironment();
		assertThat(GracefulRestartAutoConfiguration
			.warmupSettings(warmup, environment, "/vets /hello /admin/users /actuator/env /owners/2 /owners/3")
			.paths()
			.get("server")).containsExactly("/hello", "/vets", "/owners/2", "/actuator/health");
		warmup.getTraffic().setEnabled(false);
		assertThat(GracefulRestartAutoConfiguration.warmupSettings(warmup, environment, "/vets").paths().get("server"))
			.containsExactly("/hello", "/actuator/health");
	}

	@Test
	void theRoutesOfAServletApplicationAreCountedUnlessTurnedOff() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(io.github.gracefulrestart.TrafficRoutes.class)
			.hasBean("gracefulRestartTrafficRoutesFilter"));
		this.runner.withPropertyValues("graceful-restart.warmup.traffic.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(io.github.gracefulrestart.TrafficRoutes.class)
				.doesNotHaveBean("gracefulRestartTrafficRoutesFilter"));
	}

	@Test
	void noVariableAGenerationHandsTheNextOneIsTakenForAProperty() {
		// Spring Boot binds GRACEFUL_RESTART_X_Y to graceful-restart.x-y and
		// graceful-restart.x.y.
		java.util.Map<String, Object> variables = new java.util.HashMap<>();
		Handoff.variables().forEach((name) -> variables.put(name, "a b,c"));
		org.springframework.core.env.StandardEnvironment environment = new org.springframework.core.env.StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new org.springframework.core.env.SystemEnvironmentPropertySource("handed", variables));
		GracefulRestartProperties bound = org.springframework.boot.context.properties.bind.Binder.get(environment)
			.bindOrCreate("graceful-restart", GracefulRestartProperties.class);
		assertThat(bound.getWarmup().getPaths()).isEmpty();
		assertThat(bound.getBootNice()).isEqualTo(10);
		assertThat(bound.getSupervisor()).isEqualTo(GracefulRestartProperties.SupervisorMode.AUTO);
		assertThat(bound.getWarmup().getTraffic().getDeny()).isEmpty();
	}

	private void assertStartUpFails(String property, String named) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().isNotNull();
			assertThat(context.getStartupFailure()).hasStackTraceContaining(named);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Listening implements RestartListener {

		final List<String> heard = new CopyOnWriteArrayList<>();

		volatile RestartFailedEvent failed;

		@Override
		public void ready(int generation, boolean first) {
			this.heard.add("listener: ready " + generation + (first ? " first" : ""));
		}

		@Override
		public void restartStarted(RestartAttempt attempt) {
			this.heard.add("listener: started " + attempt.trigger());
		}

		@Override
		public void restartFailed(RestartAttempt attempt) {
			this.heard.add("listener: failed");
		}

		@Override
		public void unhealthy(RestartAttempt attempt, List<String> indicators) {
			this.heard.add("listener: unhealthy " + indicators);
		}

		@EventListener
		void on(GracefulRestartEvent event) {
			if (event instanceof RestartFailedEvent failed) {
				this.failed = failed;
				this.heard
					.add("event: RestartFailedEvent " + failed.getGeneration() + " " + failed.getAttempt().result());
			}
			else if (event instanceof RestartStartedEvent started) {
				this.heard.add(
						"event: RestartStartedEvent " + started.getGeneration() + " " + started.getAttempt().trigger());
			}
			else {
				this.heard.add("event: " + event.getClass().getSimpleName());
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserNativeOs {

		final NativeOs os = JnrNativeOs.load();

		@Bean
		NativeOs userNativeOs() {
			return this.os;
		}

	}

}
