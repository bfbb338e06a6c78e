package io.github.gracefulrestart.sample;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app jar started as a user starts it ({@code java -jar app.jar}) in its own
 * working directory, with port 0. It tracks every generation by the jar path on its
 * command line, so that {@link #close()} kills all of them by pid, also when a test
 * fails.
 */
final class SampleApp implements AutoCloseable {

	static final Duration STARTUP = Duration.ofMinutes(3);

	private static final Pattern PORT = Pattern.compile("(?:Tomcat|Jetty|Netty) started on port (\\d+)");

	private String host = "127.0.0.1";

	private javax.net.ssl.SSLSocketFactory tls;

	private final Server server;

	private final Path workDir;

	private final Path jar;

	private final Path log;

	private final Process process;

	private int port;

	private int managementPort;

	private SampleApp(Server server, Path workDir, Path jar, Path log, Process process) {
		this.server = server;
		this.workDir = workDir;
		this.jar = jar;
		this.log = log;
		this.process = process;
	}

	/**
	 * Copy the sample jar into {@code workDir} and start it.
	 */
	static SampleApp start(Path workDir, String... arguments) throws IOException {
		return start(Server.TOMCAT, workDir, List.of(), arguments);
	}

	static SampleApp start(Path workDir, List<String> jvmOptions, String... arguments) throws IOException {
		return start(Server.TOMCAT, workDir, jvmOptions, arguments);
	}

	/**
	 * Copy the sample jar built for {@code server} into {@code workDir} and start it.
	 */
	static SampleApp start(Server server, Path workDir, List<String> jvmOptions, String... arguments)
			throws IOException {
		return start(server, workDir, List.of(), java.util.Map.of(), jvmOptions, arguments);
	}

	/**
	 * Start the sample through a launcher ({@code launcher} is the command line before
	 * {@code java}), with extra environment variables.
	 */
	static SampleApp start(Server server, Path workDir, List<String> launcher,
			java.util.Map<String, String> environment, List<String> jvmOptions, String... arguments)
			throws IOException {
		Path jar = workDir.resolve("app.jar");
		if (!Files.exists(jar)) {
			Files.copy(server.jar(), jar);
		}
		Path log = workDir.resolve("app.log");
		List<String> command = new ArrayList<>(launcher);
		command.add(javaExecutable());
		if (Boolean.parseBoolean(System.getProperty("sample.c1-only", "true"))) {
			// C1 only: the app starts about a fifth faster on these 2 cores, which keeps
			// the suite short; it changes nothing the tests look at (the option travels
			// to every generation). Benchmarks turn it off.
			command.add("-XX:TieredStopAtLevel=1");
		}
		// Temporary files (Tomcat's and Jetty's directories, which a generation killed at
		// the end of a test leaves) stay in the test's directory.
		command.add("-Djava.io.tmpdir=" + Files.createDirectories(tmpDir(workDir)));
		command.addAll(jvmOptions);
		command.addAll(List.of("-jar", jar.toString()));
		for (String port : List.of("--server.port=", "--management.server.port=")) {
			if (java.util.Arrays.stream(arguments).noneMatch((argument) -> argument.startsWith(port))) {
				command.add(port + "0");
			}
		}
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().putAll(environment);
		Process process = builder.directory(workDir.toFile())
			.redirectInput(new File("/dev/null"))
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		SampleApp app = new SampleApp(server, workDir, jar, log, process);
		try {
			List<Integer> ports = app.awaitPorts();
			app.port = ports.get(0);
			app.managementPort = ports.get(1);
		}
		catch (RuntimeException | Error ex) {
			app.close();
			throw ex;
		}
		return app;
	}

	/** The {@code java.io.tmpdir} of the apps started in {@code workDir}. */
	static Path tmpDir(Path workDir) {
		return workDir.resolve("tmp");
	}

	/** The server the sample jar is built with. */
	enum Server {

		TOMCAT("Tomcat", "sample.jar", "target/sample-app.jar"),

		JETTY("Jetty", "sample.jetty.jar", "jetty/target/sample-app-jetty.jar"),

		/** The WebFlux variant: /hello, /sleep and /upload only. */
		NETTY("Netty", "sample.netty.jar", "netty/target/sample-app-netty.jar"),

		/** The WebFlux variant on Tomcat. */
		REACTIVE_TOMCAT("Tomcat", "sample.reactive-tomcat.jar",
				"reactive-tomcat/target/sample-app-reactive-tomcat.jar"),

		/** The WebFlux variant on Jetty. */
		REACTIVE_JETTY("Jetty", "sample.reactive-jetty.jar", "reactive-jetty/target/sample-app-reactive-jetty.jar"),

		/** The servlet sample on Tomcat, built on Spring Boot 4.0.x. */
		BOOT40_TOMCAT("Tomcat", "sample.boot40.jar", "boot40/target/sample-app-boot40.jar"),

		/**
		 * The shop (sample-app/shop) on Tomcat: its pages name their pid; needs
		 * {@link ShopBackends}.
		 */
		SHOP("Tomcat", "sample.shop.jar", "shop/target/sample-app-shop.jar", "/orders/new"),

		/**
		 * Spring PetClinic with the starter added, built apart (the bench's
		 * {@code --petclinic}, {@code -Dsample.petclinic.jar}): its pages name no pid,
		 * the status endpoint does.
		 */
		PETCLINIC("Tomcat", "sample.petclinic.jar", "petclinic.jar", null);

		private final String serverName;

		private final String property;

		private final String fallback;

		private final String pidPath;

		Server(String serverName, String property, String fallback) {
			this(serverName, property, fallback, "/hello");
		}

		Server(String serverName, String property, String fallback, String pidPath) {
			this.serverName = serverName;
			this.property = property;
			this.fallback = fallback;
			this.pidPath = pidPath;
		}

		/** The server's name in Spring Boot's "... started on port" line. */
		String serverName() {
			return this.serverName;
		}

		Path jar() {
			return Path.of(System.getProperty(this.property, this.fallback));
		}

	}

	static String javaExecutable() {
		String home = System.getProperty("sample.java.home", "");
		return Path.of(home.isBlank() ? System.getProperty("java.home") : home, "bin", "java").toString();
	}

	/**
	 * The feature version of the JDK the app runs on ({@link #javaExecutable()}), from
	 * its release file.
	 */
	static int javaFeatureVersion() throws IOException {
		Path release = Path.of(javaExecutable()).getParent().getParent().resolve("release");
		return Files.readAllLines(release)
			.stream()
			.filter((line) -> line.startsWith("JAVA_VERSION="))
			.map((line) -> Runtime.Version.parse(line.substring("JAVA_VERSION=".length()).replace("\"", "")).feature())
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No JAVA_VERSION in " + release));
	}

	/**
	 * The main server starts first; the management server's child context starts after
	 * it.
	 */
	private List<Integer> awaitPorts() {
		return await("the app to report its ports").atMost(STARTUP).pollInterval(Duration.ofMillis(100)).until(() -> {
			assertThat(this.process.isAlive()).as("app alive; log:\n%s", log()).isTrue();
			Matcher matcher = PORT.matcher(log());
			List<Integer> ports = new ArrayList<>();
			while (matcher.find()) {
				ports.add(Integer.parseInt(matcher.group(1)));
			}
			return ports;
		}, (ports) -> ports.size() >= 2);
	}

	int port() {
		return this.port;
	}

	int managementPort() {
		return this.managementPort;
	}

	long firstPid() {
		return this.process.pid();
	}

	Path workDir() {
		return this.workDir;
	}

	String log() {
		try {
			return Files.readString(this.log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	/** Talk to the main server at {@code host}, over TLS when {@code tls} is not null. */
	SampleApp clientsOf(String host, javax.net.ssl.SSLSocketFactory tls) {
		this.host = host;
		this.tls = tls;
		return this;
	}

	/** A new client of the main server. */
	RawHttp client() {
		return new RawHttp(this.host, this.port, this.tls);
	}

	RawHttp.Response get(String path) throws IOException {
		try (RawHttp http = client()) {
			return http.get(path);
		}
	}

	/** A request to the management server. */
	RawHttp.Response management(String method, String path) throws IOException {
		try (RawHttp http = new RawHttp(this.managementPort)) {
			return http.exchange(method, path, method.equals("POST") ? new byte[0] : null);
		}
	}

	/** The restart status of the serving generation, as JSON. */
	String status() throws IOException {
		RawHttp.Response response = management("GET", "/actuator/gracefulrestart");
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return response.body();
	}

	/** Configuration next to the jar, which every new generation reads anew. */
	void writeConfig(String yaml) throws IOException {
		Files.createDirectories(this.workDir.resolve("config"));
		Files.writeString(this.workDir.resolve("config/application.yml"), yaml);
	}

	void deleteConfig() throws IOException {
		Files.deleteIfExists(this.workDir.resolve("config/application.yml"));
	}

	Path jar() {
		return this.jar;
	}

	/**
	 * The pid in the answer of {@code GET /hello} (or the page of the app that names it,
	 * or the restart status).
	 */
	long servingPid() throws IOException {
		if (this.server.pidPath == null) {
			Number pid = json(status(), "$.pid");
			assertThat(pid).as("the pid in the restart status").isNotNull();
			return pid.longValue();
		}
		RawHttp.Response response = get(this.server.pidPath);
		assertThat(response.body()).as("GET %s: %d %s", this.server.pidPath, response.status(), response.headers())
			.contains("pid ");
		return pidIn(response.body());
	}

	static long pidIn(String body) {
		Matcher matcher = Pattern.compile("pid (\\d+)").matcher(body);
		assertThat(matcher.find()).as("a pid in '%s'", body).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	static void signal(long pid, String signal) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start();
		assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).as("kill -%s %d", signal, pid).isZero();
	}

	/**
	 * Wait until the generation after {@code oldPid} serves alone: {@code oldPid} is gone
	 * and {@code /hello} answers from another pid.
	 * @return the new pid
	 */
	long awaitTakeover(long oldPid) {
		await("pid " + oldPid + " to hand over and exit").atMost(STARTUP)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> !isAlive(oldPid));
		long pid = await("a new generation to answer").atMost(Duration.ofSeconds(30))
			.until(this::servingPid, (serving) -> serving != oldPid);
		await("pid " + pid + " to serve alone").atMost(Duration.ofSeconds(30))
			.until(this::status, (status) -> !status.contains("\"parentPid\""));
		assertThat(pids()).as("app processes after the takeover; log:\n%s", log()).containsExactly(pid);
		return pid;
	}

	/**
	 * Read a value of a JSON document, null when it is absent: the endpoint leaves absent
	 * values out, as Actuator's own endpoints do.
	 */
	static <T> T json(String json, String path) {
		return com.jayway.jsonpath.JsonPath
			.using(com.jayway.jsonpath.Configuration.defaultConfiguration()
				.addOptions(com.jayway.jsonpath.Option.SUPPRESS_EXCEPTIONS))
			.parse(json)
			.read(path);
	}

	/** The pid of the JVM whose JMX remote agent answers on {@code port} of 127.0.0.1. */
	static long jmxPid(int port) throws Exception {
		javax.management.remote.JMXServiceURL url = new javax.management.remote.JMXServiceURL(
				"service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
		try (javax.management.remote.JMXConnector connector = javax.management.remote.JMXConnectorFactory
			.connect(url)) {
			return javax.management.JMX.newMXBeanProxy(connector.getMBeanServerConnection(),
					new javax.management.ObjectName("java.lang:type=Runtime"), java.lang.management.RuntimeMXBean.class)
				.getPid();
		}
	}

	/** A port on 127.0.0.1 that the OS gave and that is free again. */
	static int freeLoopbackPort() throws IOException {
		try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
			socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
			return socket.getLocalPort();
		}
	}

	static boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

	/** Every live process running this app's jar: every generation. */
	List<Long> pids() {
		return processes().map(ProcessHandle::pid).toList();
	}

	/** Every live process running this app's jar. */
	private java.util.stream.Stream<ProcessHandle> processes() {
		String jarPath = this.jar.toString();
		return ProcessHandle.allProcesses().filter((handle) -> arguments(handle.pid()).contains(jarPath));
	}

	/**
	 * The command line of a process, whole: {@code ProcessHandle.Info} reports no
	 * arguments when they take more than a page.
	 */
	static List<String> arguments(long pid) {
		try {
			String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline"), StandardCharsets.UTF_8);
			return cmdline.isEmpty() ? List.of() : List.of(cmdline.split("\0"));
		}
		catch (IOException | RuntimeException ex) {
			return List.of();
		}
	}

	/** Replace the jar on disk by rename (a new inode), the way a deploy must. */
	void deployVersion(String version) throws IOException {
		Path next = this.workDir.resolve("app.jar.next");
		writeVariant(this.server.jar(), next, version);
		Files.move(next, this.jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	/**
	 * Copy a Spring Boot jar with its {@code application.yml} answering another version.
	 * Nested jars stay stored (uncompressed), as the Spring Boot loader requires.
	 */
	static void writeVariant(Path source, Path target, String version) throws IOException {
		try (ZipFile zip = new ZipFile(source.toFile());
				ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
			for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
				byte[] bytes;
				try (InputStream in = zip.getInputStream(entry)) {
					bytes = in.readAllBytes();
				}
				if (entry.getName().equals("BOOT-INF/classes/application.yml")) {
					bytes = new String(bytes, StandardCharsets.UTF_8).replace("version: 1", "version: " + version)
						.getBytes(StandardCharsets.UTF_8);
				}
				ZipEntry copy = new ZipEntry(entry.getName());
				copy.setMethod(entry.getMethod());
				if (entry.getMethod() == ZipEntry.STORED) {
					CRC32 crc = new CRC32();
					crc.update(bytes);
					copy.setSize(bytes.length);
					copy.setCompressedSize(bytes.length);
					copy.setCrc(crc.getValue());
				}
				out.putNextEntry(copy);
				out.write(bytes);
				out.closeEntry();
			}
		}
	}

	/**
	 * Kill every generation by pid, and wait until they are gone.
	 */
	@Override
	public void close() {
		List<ProcessHandle> running = new ArrayList<>();
		List<Long> generations = new ArrayList<>(processes().map(ProcessHandle::pid).toList());
		generations.add(this.process.pid());
		for (long pid : generations) {
			ProcessHandle.of(pid).ifPresent((handle) -> {
				running.add(handle);
				handle.descendants().forEach(running::add);
			});
		}
		running.forEach(ProcessHandle::destroyForcibly);
		for (ProcessHandle handle : running) {
			handle.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally((ex) -> handle).join();
		}
	}

	Optional<Integer> exitCodeOfFirst(Duration timeout) throws InterruptedException {
		return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(this.process.exitValue())
				: Optional.empty();
	}

}
