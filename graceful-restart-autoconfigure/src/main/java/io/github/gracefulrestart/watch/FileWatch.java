package io.github.gracefulrestart.watch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Watches the files a generation started from and asks for a restart once one of them
 * changed and then stayed unchanged for a quiet period, so that a copy in progress is
 * never started.
 * <ul>
 * <li>The <b>jar</b> must be replaced by rename ({@code mv app.jar.new app.jar}: a new
 * file, another inode). A jar written in place (same inode, new size or time) is refused
 * with an ERROR: the running JVM reads its classes from that very file, and a
 * half-written jar would be started. A later replacement by rename restarts as
 * usual.</li>
 * <li>A <b>configuration file</b> may change either way (an editor writes in place;
 * Kubernetes swaps a ConfigMap's symbolic link): any change counts.</li>
 * <li>A change is asked for once: when the restart is refused (one already runs) it is
 * asked again at the next poll; once started it is consumed, so a jar that fails to start
 * is not retried until it is replaced again.</li>
 * </ul>
 * {@link #poll()} is one step, called every second by the application; time comes from a
 * {@code nanoTime} source, so the rules are tested without waiting.
 */
public final class FileWatch {

	private static final Log logger = LogFactory.getLog(FileWatch.class);

	/** The trigger a restart asked for by this watch is recorded with. */
	public static final String TRIGGER = "FILE_CHANGE";

	private final List<Watched> watched = new ArrayList<>();

	private final Duration quietPeriod;

	private final FileStates states;

	private final LongSupplier nanoTime;

	private final Predicate<String> restart;

	/**
	 * Create a watch; each file's current state is the one this generation started from.
	 * @param jar the jar this generation started from, or null
	 * @param configFiles configuration files to watch too
	 * @param quietPeriod how long a change must stay unchanged before it restarts
	 * @param states reads a file's state
	 * @param nanoTime the time source
	 * @param restart asks for a restart with a reason, and says whether one started
	 */
	public FileWatch(Path jar, List<Path> configFiles, Duration quietPeriod, FileStates states, LongSupplier nanoTime,
			Predicate<String> restart) {
		this.quietPeriod = quietPeriod;
		this.states = states;
		this.nanoTime = nanoTime;
		this.restart = restart;
		if (jar != null) {
			this.watched.add(new Watched(jar, true, states.read(jar).orElse(null)));
		}
		for (Path file : configFiles) {
			this.watched.add(new Watched(file, false, states.read(file).orElse(null)));
		}
	}

	/**
	 * Return the files watched.
	 * @return the paths
	 */
	public List<Path> files() {
		return this.watched.stream().map(Watched::path).toList();
	}

	/**
	 * Look at each file once, and ask for a restart when one changed and stayed quiet.
	 */
	public void poll() {
		long now = this.nanoTime.getAsLong();
		List<Watched> due = new ArrayList<>();
		for (Watched file : this.watched) {
			Optional<FileState> state = this.states.read(file.path);
			if (state.isEmpty() || state.get().equals(file.started)) {
				// Missing (a rename under way) or as it was: nothing to do.
				file.seen = null;
				continue;
			}
			if (!state.get().equals(file.seen)) {
				file.seen = state.get();
				file.seenAt = now;
				continue;
			}
			if (now - file.seenAt < this.quietPeriod.toNanos()) {
				continue;
			}
			if (file.jar && file.started != null && Objects.equals(state.get().key(), file.started.key())) {
				logger.error(file.path + " was written in place (the same file, changed): the running generation"
						+ " reads its classes from it, and a jar still being written must not be started. No restart;"
						+ " replace the jar by rename (mv app.jar.new app.jar) to restart");
				file.started = state.get();
				file.seen = null;
				continue;
			}
			due.add(file);
		}
		if (!due.isEmpty()) {
			String why = String.join(", ", due.stream().map((file) -> file.path + " changed").toList());
			if (this.restart.test(why)) {
				due.forEach((file) -> {
					file.started = file.seen;
					file.seen = null;
				});
			}
		}
	}

	/** A file's identity and content stamp. */
	public record FileState(Object key, long size, long modifiedMillis) {

	}

	/** Reads a file's state; empty when it does not exist. */
	@FunctionalInterface
	public interface FileStates {

		/**
		 * Read the state of {@code path}, following symbolic links.
		 * @param path the file
		 * @return its state, or empty when it does not exist
		 */
		Optional<FileState> read(Path path);

		/**
		 * The file system's view: the file key (device and inode on Linux), size and
		 * modification time, through symbolic links (a ConfigMap's files are links).
		 * @return the reader
		 */
		static FileStates fileSystem() {
			return (path) -> {
				try {
					BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
					return Optional.of(new FileState(attributes.fileKey(), attributes.size(),
							attributes.lastModifiedTime().toMillis()));
				}
				catch (IOException ex) {
					return Optional.empty();
				}
			};
		}

	}

	private static final class Watched {

		private final Path path;

		private final boolean jar;

		private FileState started;

		private FileState seen;

		private long seenAt;

		Watched(Path path, boolean jar, FileState started) {
			this.path = path;
			this.jar = jar;
			this.started = started;
		}

		Path path() {
			return this.path;
		}

	}

}
