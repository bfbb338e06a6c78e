package io.github.gracefulrestart.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.gracefulrestart.systemd.NotifyReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Under systemd: socket activation (with the real {@code systemd-socket-activate}),
 * sd_notify to a socket the test owns, and the PID file.
 */
class SystemdIntegrationTests {

	@TempDir
	Path workDir;

	@Test
	void socketActivatedAppServesTheActivatedSocketAndRestartsOnItUnderLoad() throws Exception {
		int port = SampleApp.freeLoopbackPort();
		// As with a socket unit, the first connection starts the service; it waits in the
		// backlog.
		CompletableFuture<RawHttp.Response> first = CompletableFuture.supplyAsync(() -> firstRequest(port));
		// The first generation is started as systemd starts it: the socket at fd 3, no
		// JVM flags.
		try (SampleApp app = SampleApp.start(SampleApp.Server.TOMCAT, this.workDir,
				List.of("systemd-socket-activate", "-l", "127.0.0.1:" + port), Map.of(), List.of())) {
			assertThat(app.port()).isEqualTo(port);
			assertThat(first.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
			assertThat(app.log())
				.contains("Socket activation passed /127.0.0.1:" + port + " (fd 3) for listener 'server'");
			long pid = app.servingPid();
			try (HttpLoad load = HttpLoad.start(port, 8, 10, Duration.ofMinutes(5))) {
				for (int restart = 0; restart < 2; restart++) {
					SampleApp.signal(pid, "HUP");
					pid = app.awaitTakeover(pid);
				}
				load.stop();
				assertThat(load.failures()).as("%s", load).isZero();
				assertThat(load.ok()).isPositive();
			}
			assertThat(app.log()).doesNotContain("No listener of this generation serves inherited socket 'server'");
			assertThat(app.status()).contains("\"address\":\"127.0.0.1:" + port + "\"");
		}
	}

	@Test
	void notifySocketHearsReadyReloadingMainPidInOrderAndThePidFileNamesTheServingGeneration() throws Exception {
		Path pidFile = this.workDir.resolve("run/app.pid");
		try (NotifyReceiver receiver = NotifyReceiver.bindIn(this.workDir)) {
			List<String> notifications = receiver.collect();
			try (SampleApp app = SampleApp.start(SampleApp.Server.TOMCAT, this.workDir, List.of(),
					Map.of("NOTIFY_SOCKET", receiver.name()), List.of(), "--graceful-restart.pid-file=" + pidFile)) {
				long first = app.servingPid();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> notifications.stream().anyMatch((n) -> n.contains("READY=1")));
				assertThat(pidFile).hasContent(String.valueOf(first));
				SampleApp.signal(first, "HUP");
				long second = app.awaitTakeover(first);
				assertThat(pidFile).hasContent(String.valueOf(second));
				List<String> seen = List.copyOf(notifications);
				int reloading = indexOf(seen, "RELOADING=1");
				int mainPid = indexOf(seen, "MAINPID=" + second);
				assertThat(reloading).as("%s", seen).isPositive();
				assertThat(mainPid).as("%s", seen).isGreaterThan(reloading);
				assertThat(seen.get(mainPid)).contains("READY=1");
				assertThat(seen.get(reloading)).containsPattern("MONOTONIC_USEC=\\d+");
				assertThat(seen).noneMatch((n) -> n.contains("STOPPING=1"));
				SampleApp.signal(second, "TERM");
				await().atMost(Duration.ofSeconds(60)).until(() -> app.pids().isEmpty());
				await().atMost(Duration.ofSeconds(10))
					.until(() -> notifications.stream().anyMatch((n) -> n.contains("STOPPING=1")));
				assertThat(pidFile).doesNotExist();
			}
		}
	}

	@Test
	void withASupervisorTheMainPidNeverChangesSoNotifyAccessMainIsEnough() throws Exception {
		Path pidFile = this.workDir.resolve("run/app.pid");
		try (NotifyReceiver receiver = NotifyReceiver.bindIn(this.workDir)) {
			List<String> notifications = receiver.collect();
			try (SampleApp app = SampleApp.start(SampleApp.Server.TOMCAT, this.workDir, List.of(),
					Map.of("NOTIFY_SOCKET", receiver.name()), List.of(), "--graceful-restart.supervisor=always",
					"--graceful-restart.pid-file=" + pidFile)) {
				long supervisor = app.firstPid();
				long first = app.servingPid();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> notifications.stream().anyMatch((n) -> n.contains("READY=1")));
				assertThat(pidFile).hasContent(String.valueOf(supervisor));
				SampleApp.signal(supervisor, "HUP");
				await().atMost(SampleApp.STARTUP).until(() -> !SampleApp.isAlive(first) && app.servingPid() != first);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> indexOf(notifications, "RELOADING=1") >= 0 && notifications.stream()
						.skip(indexOf(notifications, "RELOADING=1"))
						.anyMatch((n) -> n.contains("READY=1")));
				assertThat(notifications.stream().flatMap((n) -> List.of(n.split("\n")).stream()))
					.as("the main pid never moves")
					.filteredOn((assignment) -> assignment.startsWith("MAINPID="))
					.allMatch((assignment) -> assignment.equals("MAINPID=" + supervisor));
				assertThat(pidFile).hasContent(String.valueOf(supervisor));
				SampleApp.signal(supervisor, "TERM");
				await().atMost(Duration.ofSeconds(60)).until(() -> app.pids().isEmpty());
				await().atMost(Duration.ofSeconds(10))
					.until(() -> notifications.stream().anyMatch((n) -> n.contains("STOPPING=1")));
				assertThat(pidFile).doesNotExist();
			}
		}
	}

	private static RawHttp.Response firstRequest(int port) {
		return await().atMost(SampleApp.STARTUP).ignoreExceptions().until(() -> {
			try (RawHttp http = new RawHttp(port)) {
				return http.get("/hello");
			}
		}, (response) -> response != null);
	}

	private static int indexOf(List<String> notifications, String assignment) {
		for (int i = 0; i < notifications.size(); i++) {
			if (List.of(notifications.get(i).split("\n")).contains(assignment)) {
				return i;
			}
		}
		return -1;
	}

}
