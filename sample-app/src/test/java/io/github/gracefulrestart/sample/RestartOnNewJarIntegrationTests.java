package io.github.gracefulrestart.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import io.github.gracefulrestart.sample.SampleApp.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code graceful-restart.watch.enabled}: replacing the jar by rename is the whole
 * deploy, under load, in plain and supervisor mode; a jar written in place is refused and
 * the service keeps serving. Real jars, renamed and rewritten on disk.
 */
class RestartOnNewJarIntegrationTests {

	@TempDir
	Path workDir;

	@Test
	void aJarReplacedByRenameRestartsUnderLoadAndOneWrittenInPlaceIsRefused() throws Exception {
		try (SampleApp app = SampleApp.start(Server.TOMCAT, this.workDir, List.of(),
				"--graceful-restart.watch.enabled=true", "--graceful-restart.watch.quiet-period=2s")) {
			long first = app.servingPid();
			try (HttpLoad load = HttpLoad.start(app.port(), 8, 10, Duration.ofMinutes(5))) {
				app.deployVersion("2");
				await("the new jar to answer").atMost(SampleApp.STARTUP)
					.until(() -> app.get("/hello").body().contains("version 2"));
				app.awaitTakeover(first);
				load.stop();
				assertThat(load.failures()).as("%s", load).isZero();
			}
			String status = app.status();
			assertThat((String) JsonPath.read(status, "$.lastRestart.trigger")).isEqualTo("FILE_CHANGE");

			// Written in place: the same file, new bytes (another version, same layout).
			long serving = app.servingPid();
			Path variant = this.workDir.resolve("variant.jar");
			SampleApp.writeVariant(Server.TOMCAT.jar(), variant, "3");
			Files.write(app.jar(), Files.readAllBytes(variant));
			await("the refusal").atMost(Duration.ofSeconds(60)).until(() -> app.log().contains("was written in place"));
			assertThat(app.servingPid()).isEqualTo(serving);
			assertThat(app.get("/hello").body()).contains("version 2 pid " + serving);
			String after = app.status();
			assertThat((Integer) JsonPath.read(after, "$.generation")).isEqualTo(JsonPath.read(status, "$.generation"));
			assertThat((String) JsonPath.read(after, "$.lastRestart.id"))
				.isEqualTo(JsonPath.read(status, "$.lastRestart.id"));
		}
	}

	@Test
	void underASupervisorAJarReplacedByRenameRestartsToo() throws Exception {
		try (SampleApp app = SampleApp.start(Server.TOMCAT, this.workDir, List.of(),
				"--graceful-restart.supervisor=always", "--graceful-restart.watch.enabled=true",
				"--graceful-restart.watch.quiet-period=2s")) {
			long first = app.servingPid();
			app.deployVersion("2");
			await("the new jar to answer").atMost(SampleApp.STARTUP)
				.until(() -> app.get("/hello").body().contains("version 2"));
			assertThat(app.servingPid()).isNotEqualTo(first);
		}
	}

}
