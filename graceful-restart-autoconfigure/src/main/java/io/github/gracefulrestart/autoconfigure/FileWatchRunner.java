package io.github.gracefulrestart.autoconfigure;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.gracefulrestart.handover.RestartCoordinator;
import io.github.gracefulrestart.watch.FileWatch;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.system.ApplicationHome;

/**
 * Runs the {@link FileWatch} of this generation once a second, on a daemon thread of its
 * own, from its creation to the context's close. The jar is the one Spring Boot's
 * {@link ApplicationHome} names (the application's own jar when started with
 * {@code java -jar}).
 */
final class FileWatchRunner implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(FileWatchRunner.class);

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "graceful-restart-watch");
		thread.setDaemon(true);
		return thread;
	});

	FileWatchRunner(RestartCoordinator coordinator, GracefulRestartProperties.Watch settings) {
		File source = new ApplicationHome().getSource();
		Path jar = (source != null && source.isFile() && source.getName().endsWith(".jar")) ? source.toPath() : null;
		FileWatch watch = new FileWatch(jar, settings.getFiles(), settings.getQuietPeriod(),
				FileWatch.FileStates.fileSystem(), System::nanoTime, (why) -> {
					logger.info(why + ": restarting");
					return coordinator.requestRestart(FileWatch.TRIGGER).accepted();
				});
		if (watch.files().isEmpty()) {
			logger.warn("graceful-restart.watch.enabled is set, but there is nothing to watch: the application does not"
					+ " run from a jar and graceful-restart.watch.files is empty");
		}
		else {
			logger.info("Watching " + watch.files() + ": a change that stays " + settings.getQuietPeriod()
					+ " restarts (the jar only when replaced by rename)");
		}
		this.scheduler.scheduleWithFixedDelay(watch::poll, 1, 1, TimeUnit.SECONDS);
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
	}

}
