package io.github.gracefulrestart.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A class-data archive of the running jar, recorded by a training run in the background and used
 * by the next generations to start faster: AppCDS on JDK 17-24 ({@code -XX:ArchiveClassesAtExit},
 * then {@code -XX:SharedArchiveFile}), the AOT cache on JDK 25+ ({@code -XX:AOTCacheOutput}, then
 * {@code -XX:AOTCache}). The training run writes the archive when it exits, into a temporary file
 * that is renamed into place once it is complete, so that a JVM never maps a file being written.
 * <p>
 * Archives are keyed by the jar's SHA-256 and the JDK's version: a new jar or a new JDK never
 * meets a stale archive (before JDK 25.0.4 a stale AOT cache was not always rejected,
 * JDK-8377932). The JVM maps an archive with {@code -Xshare:auto}, so one it cannot use is
 * ignored; a generation that fails to start with an archive has it deleted, and the next restart
 * starts without. A command line that already chooses its own archive is left alone.
 * <p>
 * A jar's archive serves only that jar. A new jar, until its own is recorded, starts from an
 * archive of the JDK's classes that the application loads, recorded once per JDK: it holds no
 * class of any class path, so any jar may use it.
 */
public final class ClassDataArchive {

	/**
	 * The digest of the jar, as the previous generation read it, handed down so that a new
	 * generation does not read the jar again right when it takes over (on JDK 17 hashing 26 MB in a
	 * fresh JVM costs about 0.4 s of CPU). Used only while the file is the one it describes.
	 */
	public static final String JAR_DIGEST = "GRACEFUL_RESTART_JAR_DIGEST";

	private static final Log logger = LogFactory.getLog(ClassDataArchive.class);

	private static final java.time.Duration TRAINING_TIMEOUT = java.time.Duration.ofMinutes(10);

	private static final List<String> USER_OPTIONS = List.of("-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit",
			"-XX:AOTCache", "-XX:AOTCacheOutput", "-XX:AOTMode", "-XX:AOTConfiguration", "-Xshare:off",
			"-XX:+AutoCreateSharedArchive");

	private final Path directory;

	private final int keep;

	private final ExtractedJar extractedJar;

	private final int jdkFeature;

	private volatile Digest lastDigest;

	private final BackgroundProcesses background;

	/**
	 * Create an archive manager.
	 * @param directory where archives live
	 * @param keep how many complete archives to keep (older ones are deleted)
	 * @param extract whether a Spring Boot executable jar is extracted for the next generations, so
	 * that the archive holds the application's classes too (see {@link ExtractedJar})
	 */
	public ClassDataArchive(Path directory, int keep, boolean extract) {
		this(directory, keep, extract, Runtime.version().feature());
	}

	ClassDataArchive(Path directory, int keep, boolean extract, int jdkFeature) {
		this.directory = directory;
		this.keep = keep;
		this.background = new BackgroundProcesses(runs());
		this.extractedJar = extract ? new ExtractedJar(directory, keep, this.background) : null;
		this.jdkFeature = jdkFeature;
	}

	/**
	 * Add the archive options to the next generation's command line: use the archive of this jar
	 * when there is one, else start without (a {@link #prepareAhead training run} records it). A
	 * generation that runs an extracted jar is given the user's jar again: its extracted form when
	 * that was extracted ahead, else the jar as it is (a new jar, say), never extracted here.
	 * @param current the command line without them
	 * @return the command line to start, and the archive it uses
	 */
	public Prepared prepare(ChildCommandLine current) {
		return plan(current, false);
	}

	/**
	 * What the next generation runs with this jar's archive, or, with {@code record}, the command
	 * line that records it when there is none yet (and no other process records it).
	 */
	Prepared plan(ChildCommandLine current, boolean record) {
		NextRun next = nextRun(current);
		ChildCommandLine commandLine = new ChildCommandLine(current.executable(), List.copyOf(next.arguments()));
		if (next.jar() == null || !Files.isRegularFile(next.jar())) {
			return new Prepared(commandLine, null, null);
		}
		List<String> arguments = new ArrayList<>(next.arguments());
		int index = next.index();
		Path jar = next.jar();
		try {
			Files.createDirectories(this.directory);
			String name = name(jar);
			String extractedName = extractedName(jar, name);
			// Extracted ahead, in the background (prepareAhead); a jar not extracted yet runs as it is.
			Path extracted = (this.extractedJar != null) ? this.extractedJar.existing(extractedName) : null;
			if (extracted != null) {
				arguments.set(index, extracted.toString());
				commandLine = new ChildCommandLine(current.executable(), List.copyOf(arguments));
			}
			String key = ((extracted != null) ? extractedName + "-extracted" : name) + "-jdk" + jdk()
					+ ((this.jdkFeature >= 25) ? ".aot" : ".jsa");
			promoteCompleted();
			deleteOld();
			Path archive = this.directory.resolve(key);
			if (Files.isRegularFile(archive) && Files.size(archive) > 0) {
				// Its time is its last use: the archives used least recently go first.
				Files.setLastModifiedTime(archive, FileTime.fromMillis(System.currentTimeMillis()));
				String option = (this.jdkFeature >= 25) ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=";
				return new Prepared(ChildCommandLine.withJvmOptions(commandLine.executable(), commandLine.arguments(),
						List.of(option + archive, quiet())), archive, null);
			}
			if (!record) {
				return withJdkArchive(commandLine);
			}
			if (recordingInProgress(key)) {
				return new Prepared(commandLine, null, null);
			}
			Path failed = failedMarker(key);
			if (Files.exists(failed)) {
				logger.info("No training run for the class-data archive of " + jar + ": the last one failed ("
						+ failed + "; delete it to try again)");
				return new Prepared(commandLine, null, null);
			}
			Path recording = this.directory.resolve(key + "." + UUID.randomUUID().toString().substring(0, 8) + ".tmp");
			String option = (this.jdkFeature >= 25) ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=";
			return new Prepared(ChildCommandLine.withJvmOptions(commandLine.executable(), commandLine.arguments(),
					List.of(option + recording, quiet())), null, recording);
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("No class-data archive for the next generation: " + ex.getMessage());
			return new Prepared(commandLine, null, null);
		}
	}

	/**
	 * Ahead of the next restart, off its path: extract the jar the next generation will run, and
	 * record its archive when there is none yet, in a training run at the lowest CPU priority
	 * ({@code nice 19} where the machine has {@code /usr/bin/nice}). The training run is the next
	 * generation's own command line with {@code -Dspring.context.exit=onRefresh}, Spring's way of
	 * training an archive: it creates the application's beans and exits before it starts the web
	 * server or anything else, so it binds no port and serves nothing. Recording in a training
	 * run, not in a generation, keeps the recording's cost (a slower start, and on JDK 25 about
	 * ten seconds of assembly at exit) out of every takeover.
	 * <p>
	 * Then, once the jar's archive exists, the archive of the JDK's classes when this JDK has none
	 * yet (see {@link #recordJdkArchive}).
	 * <p>
	 * A restart that comes first, or a jar replaced on disk meanwhile, runs the jar as it is and
	 * starts without an archive of its own. Does nothing when the command line runs no jar or
	 * chooses its own archive.
	 * @param current this generation's command line
	 */
	public void prepareAhead(ChildCommandLine current) {
		Path jar = nextRun(current).jar();
		if (jar == null || !Files.isRegularFile(jar)) {
			return;
		}
		if (this.extractedJar != null) {
			try {
				this.extractedJar.extract(jar, extractedName(jar, name(jar)), current.executable());
			}
			catch (IOException | RuntimeException ex) {
				logger.debug("Cannot extract " + jar + " ahead of the next restart: " + ex.getMessage());
				return;
			}
		}
		try {
			Prepared prepared = plan(current, true);
			boolean ownArchive = (prepared.archive() != null) || train(prepared);
			// After the jar's own archive: a run of the application that fails to train would fail here too.
			if (ownArchive) {
				recordJdkArchive(current);
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("No class-data archive recorded for " + jar + ": " + ex.getMessage());
		}
	}

	/** Where the background runs' directories are. */
	Path runs() {
		return this.directory.resolve(BackgroundProcesses.RUNS);
	}

	/**
	 * The archive of the JDK's own classes for this JDK, in a directory of its own (apart from the
	 * jars' archives, which {@code keep} counts).
	 */
	Path jdkArchive() {
		return this.directory.resolve("jdk").resolve("jdk" + jdk() + ".jsa");
	}

	/**
	 * A jar with no archive of its own yet (a new jar, above all) starts from the archive of the
	 * JDK's own classes when there is one: it holds no class of any class path, so any jar may use
	 * it.
	 */
	private Prepared withJdkArchive(ChildCommandLine commandLine) throws IOException {
		Path archive = jdkArchive();
		if (!Files.isRegularFile(archive) || Files.size(archive) == 0) {
			return new Prepared(commandLine, null, null);
		}
		Files.setLastModifiedTime(archive, FileTime.fromMillis(System.currentTimeMillis()));
		return new Prepared(ChildCommandLine.withJvmOptions(commandLine.executable(), commandLine.arguments(),
				List.of("-XX:SharedArchiveFile=" + archive, quiet())), archive, null);
	}

	/**
	 * Once per JDK, record a static archive of the JDK's own classes that the application loads
	 * ({@code -Xshare:dump} from the class list of one more run of the next generation's command
	 * line, with the user's jar as it is, exiting once its beans exist): the JDK's default archive
	 * holds about half of them. Its classes are the JDK's only, so a jar that has no archive of its
	 * own yet starts from it; measured, 0.3-0.5 s of a cold start. On JDK 25 the training run
	 * cannot list its classes itself ({@code -XX:DumpLoadedClassList} and
	 * {@code -XX:AOTCacheOutput} do not go together), hence the run of its own. One that fails is
	 * not tried again for this JDK (a marker beside it says why).
	 */
	private void recordJdkArchive(ChildCommandLine current) throws IOException {
		Path archive = jdkArchive();
		Path failed = archive.resolveSibling(archive.getFileName() + ".failed");
		if (Files.isRegularFile(archive) || Files.exists(failed)) {
			return;
		}
		Files.createDirectories(archive.getParent());
		String unique = UUID.randomUUID().toString().substring(0, 8);
		Path classList = archive.resolveSibling(archive.getFileName() + "." + unique + ".classlist");
		Path dumped = archive.resolveSibling(archive.getFileName() + "." + unique + ".tmp");
		try {
			// As the training run runs (a run without a web server lists no fewer JDK classes that
			// matter, measured, but fails an application whose beans need a servlet context).
			ChildCommandLine run = ChildCommandLine.withJvmOptions(current.executable(), nextRun(current).arguments(),
					List.of("-Dspring.context.exit=onRefresh", "-XX:DumpLoadedClassList=" + classList));
			long start = System.nanoTime();
			BackgroundProcesses.Outcome outcome = this.background.run(run.argv(), TRAINING_TIMEOUT, null);
			if (outcome.succeeded()) {
				outcome = this.background.run(List.of(current.executable(), "-Xshare:dump",
						"-XX:SharedClassListFile=" + classList, "-XX:SharedArchiveFile=" + dumped), TRAINING_TIMEOUT, null);
			}
			if (outcome.succeeded() && Files.isRegularFile(dumped) && Files.size(dumped) > 0) {
				Files.move(dumped, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
				logger.info("JDK class-data archive " + archive + " recorded (" + Files.size(archive) / (1024 * 1024)
						+ " MB) in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
						+ " ms; a generation of a jar that has no archive of its own uses it");
			}
			else if (outcome.failed()) {
				Files.writeString(failed, outcome.failure() + "\n");
				logger.warn("Recording the JDK class-data archive " + outcome.failure() + "; no generation uses one (delete "
						+ failed + " to try again): " + outcome.output());
			}
		}
		finally {
			delete(classList);
			delete(dumped);
		}
	}

	/**
	 * Run the training run {@code prepared} describes, if any.
	 * @return whether it recorded the archive
	 */
	private boolean train(Prepared prepared) throws IOException {
		if (prepared.recording() == null) {
			return false;
		}
		ChildCommandLine training = ChildCommandLine.withJvmOptions(prepared.commandLine().executable(),
				prepared.commandLine().arguments(), List.of("-Dspring.context.exit=onRefresh"));
		long start = System.nanoTime();
		try {
			BackgroundProcesses.Outcome outcome = this.background.run(training.argv(), TRAINING_TIMEOUT,
					(process) -> started(prepared, (int) process.pid()));
			if (outcome.succeeded()) {
				logger.info("Training run for the class-data archive done in "
						+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
				return true;
			}
			// What a killed or failed recorder wrote is no archive.
			delete(prepared.recording());
			if (outcome.failed()) {
				logger.warn("The training run for the class-data archive " + outcome.failure() + "; "
						+ markFailed(prepared.recording(), outcome.failure()) + ": " + outcome.output());
			}
			return false;
		}
		finally {
			promoteCompleted();
		}
	}

	/**
	 * Note that training this jar failed, so that the next generations do not try again (the
	 * same jar and configuration most likely fail the same way: a resource the serving
	 * generation holds exclusively, say); a new jar is tried afresh.
	 * @return what the log says about it
	 */
	private String markFailed(Path recording, String failure) {
		Path marker = failedMarker(key(recording));
		try {
			Files.writeString(marker, failure + "\n");
			return "the next generations start without an archive and try no training run for this jar (delete "
					+ marker + " to try again)";
		}
		catch (IOException ex) {
			return "the next generations start without an archive";
		}
	}

	private Path failedMarker(String key) {
		return this.directory.resolve(key + ".failed");
	}

	/**
	 * The archive's key of a recording: name.(8 characters).tmp -> name.
	 */
	private static String key(Path recording) {
		String name = recording.getFileName().toString();
		return name.substring(0, Math.max(0, name.length() - 13));
	}

	/**
	 * Stop a training run or an extraction under way and wait until it has ended, and start none
	 * from now on: this generation is shutting down or starting the next one (which starts its
	 * own once it serves).
	 */
	public void close() {
		this.background.close();
	}

	/**
	 * What the next generation runs: this generation's command line without the options it was
	 * given for an archive, and the user's jar on it, in place of its extracted copy.
	 */
	private NextRun nextRun(ChildCommandLine current) {
		List<String> arguments = new ArrayList<>(
				current.arguments().stream().filter((argument) -> !isOurs(argument)).toList());
		int index = jarIndex(arguments);
		if (index < 0
				|| arguments.stream().anyMatch((argument) -> USER_OPTIONS.stream().anyMatch(argument::startsWith))) {
			return new NextRun(arguments, -1, null);
		}
		Path run = Path.of(System.getProperty("user.dir")).resolve(arguments.get(index));
		Path jar = ExtractedJar.sourceOf(run);
		if (!jar.equals(run)) {
			arguments.set(index, jar.toString());
		}
		return new NextRun(arguments, index, jar);
	}

	/**
	 * The next generation's command line arguments, and the user's jar at {@code index} on it.
	 *
	 * @param arguments the arguments
	 * @param index where the jar is, or -1
	 * @param jar the jar, or null when the command line runs none or chooses its own archive
	 */
	private record NextRun(List<String> arguments, int index, Path jar) {

	}

	/**
	 * The digest of a jar, and what identifies the file it was read from (attributes read before
	 * it, so that a jar replaced meanwhile is read again next time).
	 */
	private record Digest(Path jar, String fileKey, long size, long modifiedNanos, String sha256) {

		static Digest of(Path jar, BasicFileAttributes attributes, String sha256) {
			return new Digest(jar, String.valueOf(attributes.fileKey()), attributes.size(),
					attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS), sha256);
		}

		boolean of(Path jar, BasicFileAttributes attributes) {
			return this.jar.equals(jar) && attributes.fileKey() != null
					&& this.fileKey.equals(String.valueOf(attributes.fileKey())) && this.size == attributes.size()
					&& this.modifiedNanos == attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
		}

		String encode() {
			return String.join("|", this.sha256, String.valueOf(this.size), String.valueOf(this.modifiedNanos),
					this.fileKey, this.jar.toString());
		}

		static Digest decode(String encoded) {
			String[] parts = encoded.split("\\|", 5);
			if (parts.length != 5 || !parts[0].matches("[0-9a-f]{64}")) {
				throw new IllegalArgumentException("malformed " + JAR_DIGEST + " '" + encoded + "'");
			}
			return new Digest(Path.of(parts[4]), parts[3], Long.parseLong(parts[1]), Long.parseLong(parts[2]), parts[0]);
		}

	}

	/**
	 * The next generation's environment with the digest of its jar (see {@link #JAR_DIGEST}),
	 * once one was read, in place of one this generation inherited.
	 * @param environment the next generation's environment, {@code NAME=value} entries
	 * @return the environment to start it with
	 */
	public List<String> handDownDigest(List<String> environment) {
		List<String> handedDown = new ArrayList<>(environment);
		handedDown.removeIf((entry) -> entry.startsWith(JAR_DIGEST + "="));
		Digest last = this.lastDigest;
		if (last != null) {
			handedDown.add(JAR_DIGEST + "=" + last.encode());
		}
		return handedDown;
	}

	/**
	 * Start from the digest the previous generation read (see {@link #JAR_DIGEST}). A malformed
	 * one is ignored; one of a file replaced since is never used.
	 * @param encoded the value of {@link #JAR_DIGEST}, or null
	 */
	public void inheritDigest(String encoded) {
		if (encoded == null || encoded.isEmpty()) {
			return;
		}
		try {
			this.lastDigest = Digest.decode(encoded);
		}
		catch (IllegalArgumentException ex) {
			logger.debug("Ignoring the inherited digest: " + ex.getMessage());
		}
	}

	/**
	 * The jar's name and content digest. The digest of an unchanged jar (same file, size and
	 * time) is not computed again: the jar is read once per generation ahead of the restart, not
	 * again at the restart (26 MB for the sample).
	 */
	private String name(Path jar) throws IOException {
		BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
		Digest last = this.lastDigest;
		String digest;
		if (last != null && last.of(jar, attributes)) {
			digest = last.sha256();
		}
		else {
			digest = sha256(jar);
			this.lastDigest = Digest.of(jar, attributes, digest);
		}
		return jar.getFileName().toString().replaceAll("\\.jar$", "").replaceAll("[^A-Za-z0-9._-]", "_") + "-"
				+ digest.substring(0, 16);
	}

	/**
	 * One extraction per jar content and place: the copy maps back to its own jar, and an archive
	 * holds the class path it was recorded with.
	 */
	private static String extractedName(Path jar, String name) {
		return name + "-" + Integer.toHexString(jar.toAbsolutePath().toString().hashCode());
	}

	/**
	 * Note which process records into {@code prepared}'s file, so that nothing takes it before
	 * that process has ended (another JVM sharing the directory, say).
	 * @param prepared what {@link #plan} returned
	 * @param pid the process started with it
	 */
	void started(Prepared prepared, int pid) {
		if (prepared.recording() != null) {
			try {
				Files.writeString(pidFile(prepared.recording()), String.valueOf(pid));
			}
			catch (IOException ex) {
				logger.debug("Cannot note the recording pid: " + ex.getMessage());
			}
		}
	}

	/**
	 * A generation started with {@code prepared} failed before it was ready: delete the archive it
	 * used, if any, so that the next restart starts without it.
	 * @param prepared what {@link #prepare} returned
	 */
	public void failed(Prepared prepared) {
		if (prepared.archive() != null) {
			logger.warn("A generation started with the class-data archive " + prepared.archive()
					+ " failed; deleting the archive: the next restart starts without it");
			delete(prepared.archive());
		}
	}

	private boolean isOurs(String argument) {
		if (argument.equals(quiet())) {
			return true;
		}
		for (String option : List.of("-XX:SharedArchiveFile=", "-XX:ArchiveClassesAtExit=", "-XX:AOTCache=",
				"-XX:AOTCacheOutput=")) {
			if (argument.startsWith(option)
					&& Path.of(argument.substring(option.length())).toAbsolutePath().startsWith(this.directory.toAbsolutePath())) {
				return true;
			}
		}
		return false;
	}

	private static String jdk() {
		return System.getProperty("java.vm.version", "unknown").replaceAll("[^A-Za-z0-9._-]", "_");
	}

	/**
	 * The JVM lists every class it cannot archive, thousands of lines at exit: not for the log.
	 */
	private String quiet() {
		return (this.jdkFeature >= 25) ? "-Xlog:cds=off,aot=off" : "-Xlog:cds=off";
	}

	/**
	 * Rename recordings whose process has ended into place; delete empty ones, and whatever a
	 * recorder that was killed left behind (its pid file, the JDK 25 training configuration).
	 */
	private void promoteCompleted() throws IOException {
		Set<Path> recordings = new LinkedHashSet<>(files("*.tmp"));
		for (Path pidFile : files("*.tmp.pid")) {
			recordings.add(Path.of(pidFile.toString().replaceAll("\\.pid$", "")));
		}
		for (Path recording : recordings) {
			if (recorderAlive(recording)) {
				continue;
			}
			String name = recording.getFileName().toString();
			Path archive = this.directory.resolve(key(recording));
			if (Files.isRegularFile(recording) && Files.size(recording) > 0 && !archive.equals(this.directory)) {
				Files.move(recording, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
				logger.info("Class-data archive " + archive + " recorded (" + Files.size(archive) / (1024 * 1024)
						+ " MB); the next generations use it");
			}
			delete(recording);
			delete(recording.resolveSibling(name + ".config"));
			delete(recording.resolveSibling(name + ".log"));
			delete(pidFile(recording));
		}
	}

	private boolean recordingInProgress(String key) throws IOException {
		for (Path recording : files(key + ".*.tmp.pid")) {
			if (recorderAlive(Path.of(recording.toString().replaceAll("\\.pid$", "")))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the process noted for {@code recording} still runs and is the one recording into it
	 * (its command line names the file): a pid reused by another process, as in a container
	 * started anew over a kept directory, does not hold the recording forever.
	 */
	private boolean recorderAlive(Path recording) {
		try {
			long pid = Long.parseLong(Files.readString(pidFile(recording)).trim());
			Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
			if (process.isEmpty()) {
				return false;
			}
			// Unknown when the process is another user's: then trust the pid.
			return process.get().info().commandLine()
				.map((commandLine) -> commandLine.contains(recording.getFileName().toString()))
				.orElse(true);
		}
		catch (IOException | NumberFormatException ex) {
			// No pid noted: the spawn itself failed, or the file is not ours.
			return false;
		}
	}

	/**
	 * Keep the {@code keep} most recently used archives.
	 */
	private void deleteOld() throws IOException {
		for (Path old : leastRecent(files("*.{jsa,aot}"))) {
			logger.info("Deleting the class-data archive " + old + " (graceful-restart.class-data.keep=" + this.keep + ")");
			delete(old);
		}
		// Failed training runs of jars long replaced.
		leastRecent(files("*.failed")).forEach(ClassDataArchive::delete);
		// What a JVM killed in the middle of a background run left: the run's directory, the JDK
		// archive's class list and half-written dump. An hour old, surely no run's any more.
		this.background.deleteStale();
		Path jdkArchives = jdkArchive().getParent();
		if (Files.isDirectory(jdkArchives)) {
			// The JDK archives of other JDKs, beyond keep, the least recently used first.
			leastRecent(files(jdkArchives, "*.jsa")).forEach(ClassDataArchive::delete);
			deleteStale(jdkArchives, "*.{classlist,tmp}");
		}
	}

	private static void deleteStale(Path directory, String glob) throws IOException {
		long before = System.currentTimeMillis() - TimeUnit.HOURS.toMillis(1);
		for (Path file : files(directory, glob)) {
			if (Files.isRegularFile(file) && lastModified(file).toMillis() < before) {
				delete(file);
			}
		}
	}

	private List<Path> leastRecent(List<Path> files) {
		List<Path> sorted = new ArrayList<>(files);
		sorted.sort((a, b) -> lastModified(b).compareTo(lastModified(a)));
		return sorted.subList(Math.min(this.keep, sorted.size()), sorted.size());
	}

	private List<Path> files(String glob) throws IOException {
		return files(this.directory, glob);
	}

	private static List<Path> files(Path directory, String glob) throws IOException {
		List<Path> files = new ArrayList<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, glob)) {
			stream.forEach(files::add);
		}
		return files;
	}

	private static FileTime lastModified(Path file) {
		try {
			return Files.getLastModifiedTime(file);
		}
		catch (IOException ex) {
			return FileTime.fromMillis(0);
		}
	}

	private static Path pidFile(Path recording) {
		return recording.resolveSibling(recording.getFileName() + ".pid");
	}

	private static void delete(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			logger.debug("Cannot delete " + file + ": " + ex.getMessage());
		}
	}

	/**
	 * Where the jar of a {@code java -jar} command line is, or -1.
	 */
	private static int jarIndex(List<String> arguments) {
		int index = arguments.indexOf("-jar");
		return (index >= 0 && index + 1 < arguments.size()) ? index + 1 : -1;
	}

	private static String sha256(Path file) throws IOException {
		try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
			in.transferTo(java.io.OutputStream.nullOutputStream());
			return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * What {@link #prepare} decided.
	 *
	 * @param commandLine the command line to start
	 * @param archive the archive it uses, or null
	 * @param recording the file it records into, or null
	 */
	public record Prepared(ChildCommandLine commandLine, Path archive, Path recording) {

	}

}
