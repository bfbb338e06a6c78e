package io.github.gracefulrestart.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Spring Boot executable jars extracted with Spring Boot's own tool
 * ({@code java -Djarmode=tools -jar app.jar extract}), so that a generation runs its classes from
 * plain jars on the class path, where a class-data archive can hold them (classes loaded from
 * nested jars by Spring Boot's class loader are never archived).
 * <p>
 * One directory per jar content and place ({@code <name>-<sha-256>-<path hash>.extracted}: two
 * services deployed from identical jars in two places each map back to their own), extracted once
 * into a temporary directory that is renamed into place, so that a generation never runs from a
 * half extracted one. A {@code .source} file in it names the jar it came from: the next restart reads
 * that jar again, so a jar replaced on disk is extracted anew and a jar deleted or broken on disk
 * fails the new generation as it would have without extraction. The {@code keep} most recently
 * used directories are kept, and any a running process was started from.
 */
public final class ExtractedJar {

	private static final Log logger = LogFactory.getLog(ExtractedJar.class);

	private static final String SOURCE = ".source";

	private static final String SUFFIX = ".extracted";

	/** Extracting takes a second or two: this only bounds one that hangs. */
	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final List<String> LAUNCHERS = List.of("org.springframework.boot.loader.launch.JarLauncher",
			"org.springframework.boot.loader.JarLauncher");

	private final Path directory;

	private final int keep;

	private final BackgroundProcesses background;

	/**
	 * Create an extractor.
	 * @param directory where the extracted jars live
	 * @param keep how many extracted jars to keep; at least 2, the serving generation's and the
	 * next one's
	 */
	public ExtractedJar(Path directory, int keep) {
		this(directory, keep, new BackgroundProcesses(directory.resolve(BackgroundProcesses.RUNS)));
	}

	ExtractedJar(Path directory, int keep, BackgroundProcesses background) {
		this.directory = directory;
		this.keep = Math.max(2, keep);
		this.background = background;
	}

	/**
	 * The jar a generation running {@code jar} was started from: {@code jar} itself, or the
	 * executable jar it was extracted from.
	 * @param jar the jar on a command line
	 * @return the user's jar
	 */
	public static Path sourceOf(Path jar) {
		Path source = jar.resolveSibling(SOURCE);
		if (jar.getParent() != null && jar.getParent().getFileName().toString().endsWith(SUFFIX)
				&& Files.isRegularFile(source)) {
			try {
				return Path.of(Files.readString(source, StandardCharsets.UTF_8).trim());
			}
			catch (IOException ex) {
				logger.debug("Cannot read " + source + ": " + ex.getMessage());
			}
		}
		return jar;
	}

	/**
	 * The extracted form of a jar when an extraction of it completed before, else null. A restart
	 * takes only this: extracting a new jar on its path (a JVM run of about a second) would cost
	 * more than the extracted form saves at start-up.
	 * @param key the jar's name, content digest and place
	 * @return the jar to run, or null
	 */
	public Path existing(String key) {
		Path target = this.directory.resolve(key + SUFFIX);
		try {
			if (!Files.isRegularFile(target.resolve(SOURCE))) {
				return null;
			}
			touch(target);
			return thinJar(target);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * The extracted form of {@code jar}, extracting it if needed, at the lowest CPU priority
	 * ({@code nice}, where the machine has it): work nobody waits for, done ahead of a restart.
	 * @param jar a Spring Boot executable jar
	 * @param key the jar's name, content digest and place, such as {@code app-0123456789abcdef-1a2b3c4d}
	 * @param java the {@code java} executable to run the extraction with
	 * @return the jar to run, or null when {@code jar} is not an executable jar that Spring Boot's
	 * tool can extract, or the extraction failed (logged)
	 */
	public synchronized Path extract(Path jar, String key, String java) {
		// One at a time in this JVM (a restart never waits for it: it takes only what exists).
		if (!extractable(jar)) {
			return null;
		}
		Path target = this.directory.resolve(key + SUFFIX);
		try {
			Files.createDirectories(this.directory);
			if (Files.isRegularFile(target.resolve(SOURCE))) {
				touch(target);
			}
			deleteUnused();
			if (!Files.isRegularFile(target.resolve(SOURCE))) {
				String unique = UUID.randomUUID().toString().substring(0, 8);
				Path temporary = this.directory.resolve(key + SUFFIX + "." + unique + ".tmp");
				if (!run(java, jar, temporary)) {
					BackgroundProcesses.deleteRecursively(temporary);
					return null;
				}
				Files.writeString(temporary.resolve(SOURCE), jar.toAbsolutePath().toString(), StandardCharsets.UTF_8);
				try {
					Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
					logger.info("Extracted " + jar + " into " + target
							+ " so that the class-data archive holds the application's classes");
				}
				catch (IOException ex) {
					// Another process extracted the same jar meanwhile: use its directory.
					BackgroundProcesses.deleteRecursively(temporary);
				}
			}
			touch(target);
			return thinJar(target);
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Cannot extract " + jar + ", the next generation runs it as it is: " + ex.getMessage());
			return null;
		}
	}

	/**
	 * Whether {@code jar} is launched by Spring Boot's {@code JarLauncher} and carries the tool that
	 * extracts it ({@code spring-boot-jarmode-tools}, there unless the build excludes it).
	 */
	static boolean extractable(Path jar) {
		try (JarFile file = new JarFile(jar.toFile())) {
			Manifest manifest = file.getManifest();
			String launcher = (manifest != null) ? manifest.getMainAttributes().getValue("Main-Class") : null;
			return LAUNCHERS.contains(launcher) && file.stream()
				.anyMatch((entry) -> entry.getName().startsWith("BOOT-INF/lib/spring-boot-jarmode-tools"));
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	private boolean run(String java, Path jar, Path destination) throws IOException {
		BackgroundProcesses.Outcome outcome = this.background.run(List.of(java, "-Djarmode=tools", "-jar",
				jar.toString(), "extract", "--destination", destination.toString()), TIMEOUT, null);
		if (outcome.failed()) {
			logger.warn("Extracting " + jar + " " + outcome.failure() + "; the next generation runs it as it is: "
					+ outcome.output());
			return false;
		}
		if (outcome.succeeded() && thinJar(destination) == null) {
			logger.warn("Extracting " + jar + " left no jar in " + destination + "; the next generation runs it as it is");
			return false;
		}
		return outcome.succeeded();
	}

	private static Path thinJar(Path extracted) throws IOException {
		if (!Files.isDirectory(extracted)) {
			return null;
		}
		try (DirectoryStream<Path> jars = Files.newDirectoryStream(extracted, "*.jar")) {
			for (Path jar : jars) {
				return jar;
			}
		}
		return null;
	}

	/**
	 * Keep the {@code keep} most recently used directories; delete the temporary ones of an
	 * extraction that was cut short.
	 */
	private void deleteUnused() throws IOException {
		List<Path> extracted = new ArrayList<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(this.directory, "*" + SUFFIX + "*")) {
			for (Path path : stream) {
				if (path.getFileName().toString().endsWith(".tmp")) {
					if (Files.getLastModifiedTime(path).toMillis() < System.currentTimeMillis() - TimeUnit.HOURS.toMillis(1)) {
						BackgroundProcesses.deleteRecursively(path);
					}
				}
				else {
					extracted.add(path);
				}
			}
		}
		extracted.sort(Comparator.comparing(ExtractedJar::lastUse).reversed());
		for (Path old : extracted.subList(Math.min(this.keep, extracted.size()), extracted.size())) {
			if (inUse(old)) {
				// Another service sharing the directory runs from it: its next restart needs it.
				continue;
			}
			logger.info("Deleting the extracted jar " + old + " (graceful-restart.class-data.keep=" + this.keep + ")");
			BackgroundProcesses.deleteRecursively(old);
		}
	}

	private static boolean inUse(Path extracted) {
		String prefix = extracted.toAbsolutePath() + "/";
		return ProcessHandle.allProcesses()
			.anyMatch((process) -> process.info().commandLine().map((line) -> line.contains(prefix)).orElse(false));
	}

	/** Its time is its last use: the directories used least recently go first. */
	private static void touch(Path extracted) throws IOException {
		Files.setLastModifiedTime(extracted.resolve(SOURCE), FileTime.fromMillis(System.currentTimeMillis()));
	}

	private static FileTime lastUse(Path extracted) {
		try {
			return Files.getLastModifiedTime(extracted.resolve(SOURCE));
		}
		catch (IOException ex) {
			return FileTime.fromMillis(0);
		}
	}

}
