package io.github.gracefulrestart.process;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PidFile}.
 */
class PidFileTests {

	@TempDir
	Path dir;

	@Test
	void writtenWhenReadyAndRemovedWhenTheServiceStops() throws Exception {
		Path file = this.dir.resolve("run/app.pid");
		PidFile pidFile = new PidFile(file);
		pidFile.ready(1, true);
		assertThat(file).hasContent(String.valueOf(ProcessHandle.current().pid()));
		try (var files = Files.list(file.getParent())) {
			assertThat(files).as("no temporary file left").containsExactly(file);
		}
		pidFile.stopping();
		assertThat(file).doesNotExist();
	}

	@Test
	void aFileNamingAnotherGenerationIsLeftAlone() throws Exception {
		Path file = this.dir.resolve("app.pid");
		Files.writeString(file, "4242\n");
		new PidFile(file).stopping();
		assertThat(file).hasContent("4242");
	}

	@Test
	void namesThisGenerationAgainOnceThePreviousOneIsGoneOrARestartFailed() throws Exception {
		// Spring Boot's ApplicationPidFileWriter in the previous generation (or in a new
		// one that failed) deletes the file as its JVM exits, or wrote its own pid.
		Path file = this.dir.resolve("app.pid");
		PidFile pidFile = new PidFile(file);
		pidFile.ready(2, false);
		Files.delete(file);
		pidFile.servingAlone(2);
		assertThat(file).hasContent(String.valueOf(ProcessHandle.current().pid()));
		Files.writeString(file, "4343\n");
		pidFile.restartFailed(new io.github.gracefulrestart.RestartAttempt("r", "SIGHUP",
				io.github.gracefulrestart.RestartResult.FAILED, java.time.Instant.now(), 1L, 1, 4343, "failed"));
		assertThat(file).hasContent(String.valueOf(ProcessHandle.current().pid()));
	}

}
