package io.github.gracefulrestart.watch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.github.gracefulrestart.watch.FileWatch.FileState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of {@link FileWatch}, over file states and a clock the test sets.
 */
class FileWatchTests {

	private static final Path JAR = Path.of("/srv/app/app.jar");

	private static final Path CONFIG = Path.of("/srv/app/config/application.yml");

	private final Map<Path, FileState> files = new HashMap<>();

	private final List<String> restarts = new ArrayList<>();

	private long now;

	private boolean restartStarts = true;

	private FileWatch watch() {
		this.files.put(JAR, new FileState("inode-1", 100, 1));
		this.files.put(CONFIG, new FileState("inode-9", 10, 1));
		return new FileWatch(JAR, List.of(CONFIG), Duration.ofSeconds(5),
				(path) -> Optional.ofNullable(this.files.get(path)), () -> this.now, (why) -> {
					this.restarts.add(why);
					return this.restartStarts;
				});
	}

	private void pollFor(FileWatch watch, int seconds) {
		for (int i = 0; i < seconds; i++) {
			this.now += TimeUnit.SECONDS.toNanos(1);
			watch.poll();
		}
	}

	@Test
	void nothingChangedNothingRestarts() {
		FileWatch watch = watch();
		pollFor(watch, 30);
		assertThat(this.restarts).isEmpty();
	}

	@Test
	void aJarReplacedByRenameRestartsOnceItStayedQuietForTheQuietPeriod() {
		FileWatch watch = watch();
		pollFor(watch, 3);
		this.files.put(JAR, new FileState("inode-2", 200, 2));
		pollFor(watch, 5);
		assertThat(this.restarts).as("within the quiet period").isEmpty();
		pollFor(watch, 1);
		assertThat(this.restarts).containsExactly(JAR + " changed");
		pollFor(watch, 30);
		assertThat(this.restarts).as("once per change").hasSize(1);
	}

	@Test
	void aJarStillChangingWaitsUntilItIsQuiet() {
		FileWatch watch = watch();
		this.files.remove(JAR);
		pollFor(watch, 3);
		for (int size = 1; size <= 10; size++) {
			this.files.put(JAR, new FileState("inode-2", size * 100, size));
			pollFor(watch, 2);
		}
		assertThat(this.restarts).isEmpty();
		pollFor(watch, 6);
		assertThat(this.restarts).hasSize(1);
	}

	@Test
	void aJarWrittenInPlaceIsRefusedAndAReplacementByRenameAfterItRestarts() {
		FileWatch watch = watch();
		this.files.put(JAR, new FileState("inode-1", 300, 2));
		pollFor(watch, 30);
		assertThat(this.restarts).as("same inode: refused").isEmpty();
		this.files.put(JAR, new FileState("inode-3", 300, 3));
		pollFor(watch, 7);
		assertThat(this.restarts).containsExactly(JAR + " changed");
	}

	@Test
	void aConfigurationFileMayChangeInPlace() {
		FileWatch watch = watch();
		this.files.put(CONFIG, new FileState("inode-9", 12, 2));
		pollFor(watch, 7);
		assertThat(this.restarts).containsExactly(CONFIG + " changed");
	}

	@Test
	void aRefusedRestartIsAskedAgainAndAStartedOneConsumesTheChange() {
		FileWatch watch = watch();
		this.restartStarts = false;
		this.files.put(JAR, new FileState("inode-2", 200, 2));
		pollFor(watch, 6);
		assertThat(this.restarts).hasSize(1);
		pollFor(watch, 1);
		assertThat(this.restarts).as("asked again while refused").hasSize(2);
		this.restartStarts = true;
		pollFor(watch, 1);
		pollFor(watch, 30);
		assertThat(this.restarts).as("a failed start of that jar is not retried").hasSize(3);
	}

	@Test
	void aFileThatGoesMissingForAMomentIsNoChange() {
		FileWatch watch = watch();
		this.files.remove(CONFIG);
		pollFor(watch, 10);
		this.files.put(CONFIG, new FileState("inode-9", 10, 1));
		pollFor(watch, 10);
		assertThat(this.restarts).isEmpty();
	}

}
