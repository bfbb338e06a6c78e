package io.github.gracefulrestart;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import io.github.gracefulrestart.process.BootPriority;
import io.github.gracefulrestart.process.ChildCommandLine;
import io.github.gracefulrestart.process.ChildStopper;
import io.github.gracefulrestart.process.ClassDataArchive;
import io.github.gracefulrestart.process.ExitStatus;
import io.github.gracefulrestart.process.HandshakeChannel;
import io.github.gracefulrestart.process.NativeOs;
import io.github.gracefulrestart.socket.InheritedListener;
import io.github.gracefulrestart.socket.ListeningSocket;
import io.github.gracefulrestart.socket.ProcSocketTable;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The one owner of restart state in a generation: whether a restart runs, which child it started,
 * which generation this is, and the history. Triggers from any thread go through
 * {@link #requestRestart(String)}; the restart itself runs on the {@code graceful-restart} thread,
 * so there is one place where "two triggers" and "a child dying while the parent times out" are
 * decided.
 * <p>
 * A restart: start the next generation with the listening sockets and one end of a socket pair;
 * wait until it reports {@code READY}, it ends, or {@code startupTimeout} passes. A child that
 * ends or times out is reaped (stopped first if needed) and nothing else changes. A child that is
 * ready takes over: every server stops accepting, its connections finish (at most
 * {@code drainTimeout}), the child hears {@code DRAINED}, and {@code handedOver} closes this
 * generation.
 * <p>
 * A generation started by a {@code Supervisor} restarts nothing itself: it forwards triggers to
 * the supervisor over its channel, mirrors the attempts the supervisor reports, and drains when
 * the supervisor says {@code DRAIN}.
 */
public final class RestartCoordinator {

	private static final Log logger = LogFactory.getLog(RestartCoordinator.class);

	private static final int HISTORY_SIZE = 20;

	private static final Duration SUPERVISOR_ANSWER = Duration.ofSeconds(10);

	private final RestartSettings settings;

	private final NativeOs os;

	private final ProcSocketTable sockets;

	private final Handoff handoff;

	private final Supplier<List<RestartableServer>> servers;

	private final Supplier<ChildCommandLine> commandLine;

	private final Consumer<RestartAttempt> handedOver;

	private final Clock clock;

	private final Object monitor = new Object();

	private final Deque<RestartAttempt> history = new ArrayDeque<>();

	private final RestartListeners listeners = new RestartListeners();

	private final ChildStopper stopper;

	private final Instant startedAt;

	private boolean ready;

	// Written under the monitor; volatile so that state() reads it without the lock: the draining
	// filter asks on every response.
	private volatile RestartState state = RestartState.SERVING;

	private RestartAttempt current;

	private Child child;

	private boolean parentDraining;

	/** The previous generation has reported drained, and has not exited yet. */
	private boolean parentDrained;

	private final AtomicBoolean preparedAhead = new AtomicBoolean();

	private boolean closed;

	private CompletableFuture<RestartRequest> supervisorAnswer;

	private boolean supervisorGone;

	private Warmup.Result warmup;

	private ClassDataArchive classData;

	private ClassDataArchive.Prepared prepared;

	private BootPriority bootPriority;

	private int bootNice;

	/**
	 * Create a coordinator.
	 * @param settings the timing
	 * @param os the native calls
	 * @param handoff what this generation inherited
	 * @param servers the running web servers
	 * @param commandLine the command line of the next generation
	 * @param handedOver closes this generation once the next one took over and the drain ended
	 */
	public RestartCoordinator(RestartSettings settings, NativeOs os, Handoff handoff,
			Supplier<List<RestartableServer>> servers, Supplier<ChildCommandLine> commandLine,
			Consumer<RestartAttempt> handedOver) {
		this.settings = settings;
		this.os = os;
		this.sockets = new ProcSocketTable();
		this.handoff = handoff;
		this.servers = servers;
		this.commandLine = commandLine;
		this.handedOver = handedOver;
		this.clock = Clock.systemUTC();
		this.startedAt = this.clock.instant();
		this.parentDraining = handoff.parentPid().isPresent();
		this.stopper = new ChildStopper(os, settings.stopTimeout());
	}

	/**
	 * Start the next generations with a class-data archive of the running jar.
	 * @param classData the archives
	 */
	public void useClassDataArchive(ClassDataArchive classData) {
		this.classData = classData;
	}

	/**
	 * Start the next generations at a lowered CPU priority, which they take back once ready.
	 * @param priority this process's priority
	 * @param nice the nice value the next generations boot at
	 */
	public void useBootPriority(BootPriority priority, int nice) {
		this.bootPriority = priority;
		this.bootNice = nice;
	}

	/**
	 * Add a listener to hear what restarts do.
	 * @param listener the listener
	 */
	public void addListener(RestartListener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Mark this generation ready: close inherited sockets no listener took, tell the previous
	 * generation (if any) that it can drain, and accept restarts from now on.
	 */
	public void ready() {
		ready(null);
	}

	/**
	 * Mark this generation ready after a warm-up: see {@link #ready()}.
	 * @param warmup what the warm-up did, or null when there was none
	 */
	public void ready(Warmup.Result warmup) {
		synchronized (this.monitor) {
			if (this.ready) {
				return;
			}
			this.ready = true;
			this.warmup = warmup;
		}
		// Accept first, then tell the previous generation: it stops accepting when it hears READY.
		for (RestartableServer server : this.servers.get()) {
			server.startAccepting();
		}
		this.handoff.listeners().closeUnclaimed(this.os::close);
		this.handoff.channel().ifPresent(this::reportReady);
		boolean first = this.handoff.parentPid().isEmpty();
		notifyListeners((listener) -> listener.ready(generation(), first));
		boolean handingOver;
		synchronized (this.monitor) {
			handingOver = this.parentDraining;
		}
		if (!handingOver) {
			prepareNextAhead();
		}
	}

	/**
	 * Off the next restart's path, once this generation serves alone (not while the previous one
	 * drains, when the CPU is the clients'): extract the jar and record its archive, which take a
	 * JVM start and a training run.
	 */
	private void prepareNextAhead() {
		ClassDataArchive classData = this.classData;
		if (classData != null && this.preparedAhead.compareAndSet(false, true)) {
			daemon("graceful-restart-class-data", () -> classData.prepareAhead(this.commandLine.get()));
		}
	}

	private void reportReady(HandshakeChannel channel) {
		int parent = this.handoff.parentPid().orElse(0);
		try {
			channel.send(HandshakeChannel.READY);
		}
		catch (RuntimeException ex) {
			logger.warn("Generation " + this.handoff.generation() + " could not report ready to pid " + parent
					+ " (already gone?): " + ex.getMessage());
			channel.close();
			prepareNextAhead();
			return;
		}
		Thread listener = new Thread(() -> awaitPreviousGeneration(channel, parent), "graceful-restart-handshake");
		listener.setDaemon(true);
		listener.start();
	}

	private void awaitPreviousGeneration(HandshakeChannel channel, int parent) {
		boolean supervised = isSupervised();
		try {
			String message;
			while ((message = channel.receive()) != null) {
				String[] parts = message.split(" ", 3);
				switch (parts[0]) {
					case HandshakeChannel.DRAINED -> {
						tookOver(parent, parts);
						if (supervised) {
							previousGenerationGone();
						}
					}
					case HandshakeChannel.ATTEMPT -> supervisorReports(RestartAttempt.decode(parts[1]).get(0));
					case HandshakeChannel.DRAIN -> {
						RestartAttempt succeeded = RestartAttempt.decode(parts[1]).get(0);
						daemon("graceful-restart-drain", () -> stopAndDrain(succeeded, this.servers.get(),
								(drainMs) -> channel.send(HandshakeChannel.DRAINED + " " + drainMs)));
					}
					case HandshakeChannel.ACCEPTED, HandshakeChannel.REFUSED -> supervisorAnswers(parts);
					default -> logger.warn("Ignoring unknown handshake message '" + message + "'");
				}
			}
			if (supervised && state() != RestartState.DRAINING) {
				logger.warn("The supervisor (pid " + this.handoff.supervisorPid().get() + ") is gone: generation "
						+ generation() + " keeps serving, but cannot restart any more");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Handshake with the " + (supervised ? "supervisor" : "previous generation (pid " + parent + ")")
					+ " ended: " + ex.getMessage());
		}
		finally {
			synchronized (this.monitor) {
				this.supervisorGone = supervised;
			}
			if (!supervised) {
				// In supervised mode the drain may still be answering on it.
				channel.close();
				previousGenerationGone();
			}
		}
	}

	private void previousGenerationGone() {
		synchronized (this.monitor) {
			this.parentDraining = false;
		}
		notifyListeners((listener) -> listener.servingAlone(generation()));
		prepareNextAhead();
	}

	private String previousGenerationBusy() {
		if (!this.parentDrained) {
			return "the previous generation is still draining";
		}
		return "the previous generation (pid " + this.handoff.parentPid().orElse(null)
				+ ") has drained and is still shutting down";
	}

	/**
	 * The supervisor's view of the attempt it runs (in progress, then failed or timed out): this
	 * generation shows it in its status and hears of it as listeners do in the unsupervised case.
	 */
	private void supervisorReports(RestartAttempt attempt) {
		boolean started;
		synchronized (this.monitor) {
			if (this.state == RestartState.DRAINING) {
				return;
			}
			started = this.current == null || !this.current.id().equals(attempt.id());
			this.current = attempt;
			if (attempt.result() == RestartResult.IN_PROGRESS) {
				this.state = RestartState.RESTARTING;
			}
			else {
				this.state = RestartState.SERVING;
				this.history.addFirst(attempt);
				trimHistory();
			}
		}
		if (started) {
			notifyListeners((listener) -> listener.restartStarted(attempt));
		}
		if (attempt.result() != RestartResult.IN_PROGRESS) {
			notifyListeners((listener) -> listener.restartFailed(attempt));
		}
	}

	private void supervisorAnswers(String[] parts) {
		List<RestartAttempt> attempt = RestartAttempt.decode(parts[1]);
		RestartRequest answer = new RestartRequest(HandshakeChannel.ACCEPTED.equals(parts[0]),
				attempt.isEmpty() ? null : attempt.get(0), (parts.length > 2) ? parts[2] : null);
		CompletableFuture<RestartRequest> waiting;
		synchronized (this.monitor) {
			waiting = this.supervisorAnswer;
		}
		if (waiting != null) {
			waiting.complete(answer);
		}
	}

	private RestartRequest askSupervisor(String trigger) {
		int supervisor = this.handoff.supervisorPid().orElseThrow();
		HandshakeChannel channel = this.handoff.channel().orElseThrow();
		CompletableFuture<RestartRequest> answer = new CompletableFuture<>();
		synchronized (this.monitor) {
			if (this.supervisorAnswer != null) {
				return new RestartRequest(false, this.current, "a restart request is already on its way to the supervisor");
			}
			this.supervisorAnswer = answer;
		}
		try {
			channel.send(HandshakeChannel.RESTART + " " + trigger);
			RestartRequest request = answer.get(SUPERVISOR_ANSWER.toMillis(), TimeUnit.MILLISECONDS);
			logger.info("Restart requested by " + trigger + (request.accepted() ? " handed to" : " refused by")
					+ " the supervisor (pid " + supervisor + ")" + (request.accepted() ? "" : ": " + request.reason()));
			return request;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new RestartRequest(false, this.current, "interrupted while asking the supervisor");
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			logger.warn("The supervisor (pid " + supervisor + ") did not answer the restart request: " + ex);
			return new RestartRequest(false, this.current, "the supervisor (pid " + supervisor + ") did not answer");
		}
		finally {
			synchronized (this.monitor) {
				this.supervisorAnswer = null;
			}
		}
	}

	private boolean isSupervised() {
		return this.handoff.supervisorPid().isPresent();
	}

	private void tookOver(int parent, String[] drained) {
		Duration drain = Duration.ofMillis(Long.parseLong(drained[1]));
		List<RestartAttempt> inherited = (drained.length > 2) ? RestartAttempt.decode(drained[2]) : List.of();
		logger.info("Previous generation (pid " + parent + ") drained in " + drain.toMillis() + " ms; generation "
				+ generation() + " serves alone");
		synchronized (this.monitor) {
			this.parentDrained = true;
			inherited.forEach(this.history::addLast);
			trimHistory();
			if (this.current == null && !inherited.isEmpty()) {
				this.current = inherited.get(0);
			}
		}
		if (!inherited.isEmpty()) {
			notifyListeners((listener) -> listener.restartSucceeded(inherited.get(0), drain));
		}
	}

	/**
	 * Ask for a restart. At most one runs at a time: a request while one runs (or before this
	 * generation is ready, or while it drains) starts nothing and returns the running attempt.
	 * @param trigger what asks ({@code SIGHUP}, {@code ENDPOINT}, ...)
	 * @return whether a restart was started, and the attempt that runs
	 */
	public RestartRequest requestRestart(String trigger) {
		RestartAttempt attempt;
		synchronized (this.monitor) {
			if (!this.ready || this.closed || this.supervisorGone || this.parentDraining
					|| this.state != RestartState.SERVING) {
				String why = !this.ready ? "this generation is not ready yet"
						: this.closed ? "this generation is shutting down"
								: this.supervisorGone ? "the supervisor is gone"
										: this.parentDraining ? previousGenerationBusy()
												: "a restart is already " + this.state;
				logger.info("Restart requested by " + trigger + " ignored: " + why);
				return new RestartRequest(false, this.current, why);
			}
			if (isSupervised()) {
				attempt = null;
			}
			else {
				attempt = new RestartAttempt(UUID.randomUUID().toString(), trigger, RestartResult.IN_PROGRESS,
						this.clock.instant(), null, this.os.pid(), null, "starting generation " + (generation() + 1));
				this.state = RestartState.RESTARTING;
				this.current = attempt;
			}
		}
		if (attempt == null) {
			return askSupervisor(trigger);
		}
		logger.info("Restart " + attempt.id() + " triggered by " + trigger + ": starting generation "
				+ (generation() + 1));
		Thread thread = new Thread(() -> run(attempt), "graceful-restart");
		thread.setDaemon(true);
		thread.start();
		return new RestartRequest(true, attempt, null);
	}

	private void run(RestartAttempt attempt) {
		HandshakeChannel channel = null;
		Child child = null;
		RestartAttempt started = attempt;
		notifyListeners((listener) -> listener.restartStarted(started));
		try {
			List<RestartableServer> running = this.servers.get();
			int[] pair = this.os.socketPair();
			channel = new HandshakeChannel(this.os, pair[0]);
			try {
				child = reaped(spawn(running, pair[1]));
			}
			finally {
				// The child has its own copy: ours must go, or we would never see end of stream.
				this.os.close(pair[1]);
			}
			attempt = attempt.withNewPid(child.pid());
			boolean closing;
			synchronized (this.monitor) {
				this.current = attempt;
				this.child = child;
				closing = this.closed;
			}
			if (closing) {
				// Shut down while the child was prepared and spawned (the jar extracted, say):
				// close() did not see it, so it goes here.
				throw new IllegalStateException("this generation is shutting down; generation "
						+ (generation() + 1) + " (pid " + child.pid() + ") is stopped");
			}
			logger.info("Restart " + attempt.id() + ": generation " + (generation() + 1) + " started as pid "
					+ child.pid());
			awaitReadyAndTakeOver(attempt, channel, child, running);
		}
		catch (RuntimeException ex) {
			logger.error("Restart " + attempt.id() + " failed: " + ex.getMessage(), ex);
			if (child != null) {
				stopAndReap(child);
			}
			finish(attempt.ended(RestartResult.FAILED, this.clock.instant(), ex.getMessage()));
			if (channel != null) {
				channel.close();
			}
		}
	}

	/**
	 * Start the one thread that waits for {@code pid} to end and reaps it. Exactly one per child:
	 * a second {@code waitpid} on the same pid would race the first and fail with ECHILD.
	 */
	private Child reaped(int pid) {
		CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
		daemon("graceful-restart-reaper", () -> {
			try {
				exit.complete(this.os.waitFor(pid));
			}
			catch (RuntimeException ex) {
				exit.completeExceptionally(ex);
			}
		});
		return new Child(pid, exit);
	}

	private int spawn(List<RestartableServer> running, int channelFd) {
		List<String> names = new ArrayList<>();
		List<ListeningSocket> handedOver = new ArrayList<>();
		for (RestartableServer server : running) {
			for (RestartableServer.Listener listener : server.listeners()) {
				ListeningSocket socket = this.sockets.find(listener.address())
					.orElseThrow(() -> new IllegalStateException("No listening socket of this process is bound to "
							+ listener.address() + " (listener '" + listener.name() + "')"));
				names.add(listener.name());
				handedOver.add(socket);
			}
		}
		int[] fds = new int[handedOver.size() + 1];
		for (int i = 0; i < handedOver.size(); i++) {
			fds[i] = handedOver.get(i).fd();
		}
		fds[handedOver.size()] = channelFd;
		List<String> activated = this.handoff.listeners().claimed().stream().filter(InheritedListener::activated)
			.map(InheritedListener::name).toList();
		ChildCommandLine command = this.commandLine.get();
		if (this.classData != null) {
			// The next generation takes precedence over a training run still under way (of a jar
			// replaced on disk since this one started, say): it would compete with the boot, and the
			// next generation starts its own once it serves.
			this.classData.close();
		}
		ClassDataArchive.Prepared prepared = (this.classData != null) ? this.classData.prepare(command) : null;
		if (prepared != null) {
			command = prepared.commandLine();
		}
		List<String> environment = Handoff.childEnvironment(System.getenv(), names, activated, handedOver,
				generation() + 1, this.os.pid(), null);
		if (this.classData != null) {
			environment = this.classData.handDownDigest(environment);
		}
		Optional<ChildCommandLine> lowered = (this.bootPriority != null)
				? this.bootPriority.startingLowered(command, this.bootNice) : Optional.empty();
		if (lowered.isPresent()) {
			command = lowered.get();
			environment = new ArrayList<>(environment);
			environment.add(Handoff.NORMAL_NICE + "=" + this.bootPriority.normal());
		}
		int pid = this.os.spawn(command.executable(), command.argv(), environment, fds);
		if (prepared != null) {
			this.prepared = prepared;
		}
		return pid;
	}

	private void awaitReadyAndTakeOver(RestartAttempt attempt, HandshakeChannel channel, Child child,
			List<RestartableServer> running) {
		int pid = child.pid();
		CompletableFuture<ExitStatus> exit = child.exit();
		CompletableFuture<Boolean> ready = new CompletableFuture<>();
		daemon("graceful-restart-handshake", () -> {
			try {
				ready.complete(HandshakeChannel.READY.equals(channel.receive()));
			}
			catch (RuntimeException ex) {
				ready.completeExceptionally(ex);
			}
		});
		Duration timeout = this.settings.startupTimeout();
		try {
			Object first = CompletableFuture.anyOf(ready, exit).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (Boolean.TRUE.equals(first)) {
				if (isClosed()) {
					stopAndReap(child);
					fail(attempt, channel, ready, RestartResult.FAILED,
							"this generation is shutting down; stopped pid " + pid);
					return;
				}
				takeOver(attempt, channel, running);
				return;
			}
			// End of stream or an exit: the child is gone or going; its status says why.
			ExitStatus status = exit.get(this.settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
			if (this.classData != null && this.prepared != null) {
				this.classData.failed(this.prepared);
			}
			fail(attempt, channel, ready, RestartResult.FAILED,
					"generation " + (generation() + 1) + " (pid " + pid + ") ended before it was ready: " + status);
		}
		catch (TimeoutException ex) {
			stopAndReap(child);
			fail(attempt, channel, ready, RestartResult.TIMED_OUT, "generation " + (generation() + 1) + " (pid " + pid
					+ ") was not ready within " + timeout + "; stopped it");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			stopAndReap(child);
			fail(attempt, channel, ready, RestartResult.FAILED, "interrupted while waiting for pid " + pid);
		}
		catch (ExecutionException ex) {
			stopAndReap(child);
			fail(attempt, channel, ready, RestartResult.FAILED, "lost pid " + pid + ": " + ex.getCause());
		}
	}

	private void fail(RestartAttempt attempt, HandshakeChannel channel, CompletableFuture<Boolean> reader,
			RestartResult result, String message) {
		// The reader may still be in read(2) on the channel: closing under it could hand its
		// descriptor number to another file. The child is gone, so end of stream comes at once;
		// only a grandchild holding the socket could delay it, and then the descriptor is left open.
		try {
			reader.handle((ready, ex) -> null).get(this.settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
			channel.close();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("The handshake socket of restart " + attempt.id() + " stays open: something still holds it");
		}
		logger.error("Restart " + attempt.id() + " " + result + ": " + message + "; this generation keeps serving");
		finish(attempt.ended(result, this.clock.instant(), message));
	}

	private void takeOver(RestartAttempt attempt, HandshakeChannel channel, List<RestartableServer> running) {
		long readyMs = Duration.between(attempt.startedAt(), this.clock.instant()).toMillis();
		logger.info("Restart " + attempt.id() + ": pid " + attempt.newPid() + " ready after " + readyMs + " ms");
		RestartAttempt succeeded = attempt.ended(RestartResult.SUCCEEDED, this.clock.instant(),
				"generation " + (generation() + 1) + " (pid " + attempt.newPid() + ") took over");
		stopAndDrain(succeeded, running, (drainMs) -> {
			List<RestartAttempt> handedHistory = new ArrayList<>();
			handedHistory.add(succeeded);
			synchronized (this.monitor) {
				handedHistory.addAll(this.history);
			}
			channel.send(HandshakeChannel.DRAINED + " " + drainMs + " "
					+ RestartAttempt.encode(handedHistory.subList(0, Math.min(HISTORY_SIZE, handedHistory.size()))));
		});
	}

	/**
	 * Stop accepting, let the open connections finish (at most {@code drainTimeout}), report the
	 * drain to whoever waits for it, then close this generation.
	 */
	private void stopAndDrain(RestartAttempt succeeded, List<RestartableServer> running, LongConsumer reportDrain) {
		synchronized (this.monitor) {
			this.state = RestartState.DRAINING;
		}
		for (RestartableServer server : running) {
			try {
				server.stopAccepting();
			}
			catch (RuntimeException ex) {
				logger.error("Could not stop " + server.type() + " accepting cleanly", ex);
			}
		}
		update(succeeded);
		notifyListeners((listener) -> listener.handedOver(succeeded));
		int open = openConnections(running);
		logger.info("Restart " + succeeded.id() + ": pid " + succeeded.newPid() + " took over; stopped accepting, draining "
				+ open + " connection(s)");
		long drainStart = System.nanoTime();
		boolean drained = awaitDrained(running);
		long drainMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStart);
		if (drained) {
			logger.info("Restart " + succeeded.id() + ": drained in " + drainMs + " ms; closing generation "
					+ generation());
		}
		else {
			logger.warn("Restart " + succeeded.id() + ": " + openConnections(running) + " connection(s) still open after "
					+ this.settings.drainTimeout() + "; closing them with generation " + generation());
		}
		try {
			reportDrain.accept(drainMs);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not report the drain of restart " + succeeded.id() + ": " + ex.getMessage());
		}
		exitWatchdog(succeeded);
		this.handedOver.accept(succeeded);
	}

	private boolean awaitDrained(List<RestartableServer> running) {
		long deadline = System.nanoTime() + this.settings.drainTimeout().toNanos();
		while (openConnections(running) > 0) {
			if (System.nanoTime() >= deadline) {
				return false;
			}
			try {
				// Tomcat and Jetty offer no callback for "last connection closed"; Spring Boot's
				// own graceful shutdown polls in the same way.
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
	}

	private static int openConnections(List<RestartableServer> running) {
		return running.stream().mapToInt(RestartableServer::openConnections).sum();
	}

	private void stopAndReap(Child child) {
		this.stopper.stop(child.pid(), child.exit(), "pid " + child.pid());
	}

	private static void daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
	}

	private void update(RestartAttempt attempt) {
		synchronized (this.monitor) {
			this.current = attempt;
		}
	}

	private void finish(RestartAttempt attempt) {
		synchronized (this.monitor) {
			this.current = attempt;
			this.child = null;
			this.history.addFirst(attempt);
			trimHistory();
			this.state = RestartState.SERVING;
		}
		notifyListeners((listener) -> listener.restartFailed(attempt));
	}

	private boolean isClosed() {
		synchronized (this.monitor) {
			return this.closed;
		}
	}

	private void trimHistory() {
		while (this.history.size() > HISTORY_SIZE) {
			this.history.removeLast();
		}
	}

	private void notifyListeners(Consumer<RestartListener> event) {
		this.listeners.fire(event);
	}

	/** How long a generation that handed over may take to drain and close, at most. */
	private Duration closeLimit() {
		return this.settings.drainTimeout().plus(this.settings.stopTimeout()).plusSeconds(30);
	}

	/**
	 * Once the next generation took over, this one must end whatever happens while it closes: a
	 * destroy method that hangs, a stuck request. Past the drain timeout plus a grace period, it
	 * halts.
	 */
	private void exitWatchdog(RestartAttempt attempt) {
		Duration grace = closeLimit();
		daemon("graceful-restart-exit-watchdog", () -> {
			try {
				Thread.sleep(grace.toMillis());
			}
			catch (InterruptedException ex) {
				return;
			}
			logger.error("Restart " + attempt.id() + ": generation " + generation() + " did not close within " + grace
					+ "; halting it");
			Runtime.getRuntime().halt(1);
		});
	}

	/**
	 * Stop a new generation that is still starting: this one is shutting down (SIGTERM during a
	 * restart), so neither must stay. A new generation that already took over is left serving.
	 * A generation whose previous one still drains waits until that one has ended: a service
	 * manager that stops this one, its main process, takes its end for the service's and kills
	 * what is left (systemd's {@code KillMode=}), requests still in flight in the previous one.
	 */
	public void close() {
		Child starting;
		boolean handedOver;
		Integer draining;
		synchronized (this.monitor) {
			this.closed = true;
			starting = (this.state == RestartState.RESTARTING) ? this.child : null;
			handedOver = this.state == RestartState.DRAINING;
			draining = (this.parentDraining && !isSupervised()) ? this.handoff.parentPid().orElse(null) : null;
		}
		if (this.classData != null) {
			// A training run or an extraction under way ends with its generation, before it exits
			// (the next one starts its own): left running, it would outlive the service's main
			// process in its cgroup, where systemd SIGKILLs it at the stop.
			this.classData.close();
		}
		if (!handedOver) {
			notifyListeners(RestartListener::stopping);
		}
		if (starting != null) {
			logger.info("Shutting down during a restart: stopping generation " + (generation() + 1) + " (pid "
					+ starting.pid() + ")");
			stopAndReap(starting);
		}
		if (draining != null) {
			awaitPreviousGenerationEnd(draining);
		}
	}

	private void awaitPreviousGenerationEnd(int pid) {
		ProcessHandle previous = ProcessHandle.of(pid).orElse(null);
		if (previous == null) {
			return;
		}
		Duration limit = closeLimit();
		logger.info("Shutting down while generation " + (generation() - 1) + " (pid " + pid
				+ ") still drains: waiting until it has ended (at most " + limit + ")");
		try {
			previous.onExit().get(limit.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			logger.warn("Generation " + (generation() - 1) + " (pid " + pid + ") did not end within " + limit);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Return the number of this generation.
	 * @return the generation, 1 for the first process
	 */
	public int generation() {
		return this.handoff.generation();
	}

	/**
	 * Return what this generation is doing, without the rest of {@link #status()} (which reads
	 * {@code /proc} for the listeners).
	 * @return the state
	 */
	public RestartState state() {
		return this.state;
	}

	/**
	 * Return what this generation is doing and what the last restarts did.
	 * @return the status
	 */
	public RestartStatus status() {
		List<RestartableServer> running = this.servers.get();
		String server = running.stream().map(RestartableServer::type).distinct().reduce((a, b) -> a + "," + b)
			.orElse(null);
		List<ListenerStatus> listeners = new ArrayList<>();
		List<String> inherited = this.handoff.listeners().claimed().stream().map(InheritedListener::name).toList();
		for (RestartableServer each : running) {
			for (RestartableServer.Listener listener : each.listeners()) {
				Integer fd = this.sockets.find(listener.address()).map(ListeningSocket::fd).orElse(null);
				listeners.add(new ListenerStatus(listener.name(), format(listener.address()), fd,
						inherited.contains(listener.name())));
			}
		}
		synchronized (this.monitor) {
			Integer parent = this.parentDraining ? this.handoff.parentPid().orElse(null) : null;
			Integer supervisor = this.handoff.supervisorPid().orElse(null);
			return new RestartStatus(this.state, generation(), this.os.pid(), parent,
					(supervisor != null) ? "SUPERVISED" : "STANDALONE", supervisor, server, this.startedAt, listeners,
					this.warmup, this.current, List.copyOf(this.history));
		}
	}

	private static String format(InetSocketAddress address) {
		String host = address.getAddress().getHostAddress();
		return (address.getAddress() instanceof Inet6Address) ? "[" + host + "]:" + address.getPort()
				: host + ":" + address.getPort();
	}

	/**
	 * A started child and its exit, reaped by its one reaper thread.
	 */
	private record Child(int pid, CompletableFuture<ExitStatus> exit) {

	}

	/**
	 * The answer to a restart request.
	 *
	 * @param accepted whether a restart was started
	 * @param attempt the started attempt, or the running one when not accepted (may be null)
	 * @param reason why it was not accepted, or null
	 */
	public record RestartRequest(boolean accepted, RestartAttempt attempt, String reason) {

	}

	/**
	 * What a generation is doing.
	 *
	 * @param state the state
	 * @param generation the generation
	 * @param pid this process
	 * @param parentPid the previous generation while it still drains, else null
	 * @param mode {@code SUPERVISED} when a supervisor started this generation, else
	 * {@code STANDALONE}
	 * @param supervisorPid the supervisor's pid, or null
	 * @param server the kind of web server, such as {@code tomcat}
	 * @param startedAt when this generation started
	 * @param listeners the listening sockets
	 * @param warmup what the warm-up before this generation took over did, or null
	 * @param lastRestart the last or running restart, or null
	 * @param history the last restarts, newest first, across generations
	 */
	public record RestartStatus(RestartState state, int generation, int pid, Integer parentPid, String mode,
			Integer supervisorPid, String server,
			Instant startedAt, List<ListenerStatus> listeners, Warmup.Result warmup, RestartAttempt lastRestart,
			List<RestartAttempt> history) {

	}

	/**
	 * A listening socket of this generation.
	 *
	 * @param name the listener's name
	 * @param address the local address
	 * @param fd its descriptor in this process
	 * @param inherited whether it came from the previous generation
	 */
	public record ListenerStatus(String name, String address, Integer fd, boolean inherited) {

	}

}
