package io.github.gracefulrestart.handover;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

import io.github.gracefulrestart.GenerationWork;
import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartListener;
import io.github.gracefulrestart.RestartListeners;
import io.github.gracefulrestart.RestartResult;
import io.github.gracefulrestart.RestartSettings;
import io.github.gracefulrestart.RestartState;
import io.github.gracefulrestart.RestartableServer;
import io.github.gracefulrestart.Warmup;
import io.github.gracefulrestart.process.BootPriority;
import io.github.gracefulrestart.process.ChildCommandLine;
import io.github.gracefulrestart.process.NativeOs;
import io.github.gracefulrestart.socket.InheritedListener;
import io.github.gracefulrestart.socket.ListeningSocket;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The one owner of restart state in a generation: whether a restart runs, which child it
 * started, where the previous generation stands, and the history. Every decision that two
 * threads could race over ("two triggers", "the child is ready while this generation
 * shuts down", "a child dies while the parent times out") is taken under one lock, and no
 * callback runs under it.
 * <p>
 * A restart, on the {@code graceful-restart} thread: {@link Launcher launch} the next
 * generation with the listening sockets and a channel; wait until it reports
 * {@code READY}, it ends, or {@code startupTimeout} passes. A child that ends or times
 * out is reaped (stopped first if needed) and nothing else changes. A child that is ready
 * takes over: every server stops accepting, its connections finish (at most
 * {@code drainTimeout}), the child hears {@code DRAINED}, and {@code handedOver} closes
 * this generation.
 * <p>
 * A generation started by a {@code Supervisor} restarts nothing itself: it forwards
 * triggers to the supervisor over its channel, mirrors the attempts the supervisor
 * reports, and drains when the supervisor says {@code DRAIN}.
 */
public final class RestartCoordinator {

	private static final Log logger = LogFactory.getLog(RestartCoordinator.class);

	private final RestartSettings settings;

	private final NativeOs os;

	private final Handoff handoff;

	private final GenerationServers servers;

	private final Supplier<ChildCommandLine> commandLine;

	private final Consumer<RestartAttempt> handedOver;

	private final Clock clock = Clock.systemUTC();

	private final Predecessor predecessor;

	private final SupervisorRequests supervisorRequests;

	private final RestartListeners listeners = new RestartListeners();

	private final Instant startedAt;

	private final Object monitor = new Object();

	// Guarded by the monitor.

	private final History history = new History();

	private boolean ready;

	// Written under the monitor; volatile so that state() reads it without the lock: the
	// draining filter asks on every response.
	private volatile RestartState state = RestartState.SERVING;

	private RestartAttempt current;

	private ChildProcess child;

	private boolean closed;

	private boolean destroyed;

	private boolean supervisorGone;

	private Warmup.Result warmup;

	private BootPriority bootPriority;

	private int bootNice;

	private GenerationWork work = GenerationWork.NONE;

	private Supplier<String> trafficRoutes = () -> "";

	/**
	 * A trigger that came while a restart could not start, run once it can; guarded by
	 * the monitor.
	 */
	private final QueuedTrigger queued = new QueuedTrigger();

	/**
	 * The shortest time a generation of this service took from its JVM's start to ready:
	 * this one's or one before it; null until known.
	 */
	private volatile Duration bootTime;

	private final AtomicBoolean workStarted = new AtomicBoolean();

	/**
	 * Create a coordinator.
	 * @param settings the timing
	 * @param os the native calls
	 * @param handoff what this generation inherited
	 * @param servers the running web servers
	 * @param commandLine the command line of the next generation
	 * @param handedOver closes this generation once the next one took over and the drain
	 * ended
	 */
	public RestartCoordinator(RestartSettings settings, NativeOs os, Handoff handoff,
			Supplier<List<RestartableServer>> servers, Supplier<ChildCommandLine> commandLine,
			Consumer<RestartAttempt> handedOver) {
		this.settings = settings;
		this.os = os;
		this.handoff = handoff;
		this.servers = new GenerationServers(servers, handoff);
		this.commandLine = commandLine;
		this.handedOver = handedOver;
		this.startedAt = this.clock.instant();
		this.predecessor = new Predecessor(handoff);
		this.supervisorRequests = new SupervisorRequests(handoff);
		this.bootTime = inheritedBootTime(os.environment().get(Handoff.BOOT_MS));
	}

	private static Duration inheritedBootTime(String millis) {
		try {
			return (millis != null) ? Duration.ofMillis(Long.parseLong(millis.trim())) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * Start the next generations at a lowered CPU priority, which they take back once
	 * ready.
	 * @param priority this process's priority
	 * @param nice the nice value the next generations boot at
	 */
	public void useBootPriority(BootPriority priority, int nice) {
		this.bootPriority = priority;
		this.bootNice = nice;
	}

	/**
	 * Hand this generation's background work over by generation: a new one starts it once
	 * its predecessor has stopped its own (or is gone), a retiring one stops it as it
	 * hands over.
	 * @param work the background work
	 */
	public void useWork(GenerationWork work) {
		this.work = work;
	}

	/**
	 * Hand the paths of the busiest routes of this generation's clients to the next
	 * generation, which warms them up.
	 * @param paths the paths, as {@link io.github.gracefulrestart.TrafficRoutes#encode}
	 * gives them
	 */
	public void useTrafficRoutes(Supplier<String> paths) {
		this.trafficRoutes = paths;
	}

	/**
	 * Add a listener to hear what restarts do.
	 * @param listener the listener
	 */
	public void addListener(RestartListener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Tell the generation that started this one (or the supervisor) why this one is not
	 * ready yet; it names the failure if this one never becomes ready. Nothing to do for
	 * a first generation.
	 * @param indicators the health indicators that are not up, if that is the reason
	 * @param reason the reason, in words
	 */
	public void notReady(List<String> indicators, String reason) {
		logger.warn("Generation " + generation() + " is not ready: " + reason);
		this.handoff.channel().ifPresent((channel) -> channel.trySend(new Message.NotReady(indicators, reason)));
	}

	/**
	 * Count the long-lived connections of this generation by kind, for the status while
	 * it drains and for what the drain timeout cuts: the rest of the open connections
	 * count as {@code http}.
	 * @param kinds how many connections of each long-lived kind ({@code websocket},
	 * {@code event-stream}) this generation holds
	 */
	public void useConnectionKinds(Supplier<Map<String, Integer>> kinds) {
		this.servers.useConnectionKinds(kinds);
	}

	/**
	 * Whether this generation shuts down (its context closes): one that is not ready yet
	 * will never take over.
	 * @return whether it shuts down
	 */
	public boolean isShuttingDown() {
		synchronized (this.monitor) {
			return this.closed;
		}
	}

	/**
	 * Whether what started this generation still waits for it: the previous generation,
	 * still alive, or the supervisor. A generation that is not ready when the previous
	 * one is gone (it died) is all there is to serve.
	 * @return whether a previous generation or a supervisor is there
	 */
	public boolean predecessorServing() {
		synchronized (this.monitor) {
			if (this.supervisorGone) {
				return false;
			}
		}
		// Signal 0: whether the process is there (the one that reaps it does so at once).
		Optional<Integer> waiting = isSupervised() ? this.handoff.supervisorPid() : this.handoff.parentPid();
		return waiting.isPresent() && this.os.kill(waiting.get(), 0);
	}

	/**
	 * Mark this generation ready: close inherited sockets no listener took, tell the
	 * previous generation (if any) that it can drain, and accept restarts from now on.
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
			if (this.ready || this.closed) {
				return;
			}
			this.ready = true;
			this.warmup = warmup;
		}
		Duration booted = Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime());
		Duration before = this.bootTime;
		this.bootTime = (before != null && before.compareTo(booted) < 0) ? before : booted;
		// Accept first, then tell the previous generation: it stops accepting when it
		// hears READY.
		for (RestartableServer server : this.servers.running()) {
			server.startAccepting();
		}
		this.handoff.listeners().closeUnclaimed(this.os::close);
		this.predecessor.reportReady(this::heard, this::channelEnded);
		boolean first = this.handoff.parentPid().isEmpty();
		this.listeners.fire((listener) -> listener.ready(generation(), first));
		runQueued();
	}

	/**
	 * What the previous generation or the supervisor says, on the channel's reading
	 * thread.
	 */
	private void heard(Message message) {
		if (message instanceof Message.WorkStopped) {
			startWork("generation " + (generation() - 1) + " stopped its own");
		}
		else if (message instanceof Message.Queued queued) {
			requestRestart(queued.trigger());
		}
		else if (message instanceof Message.Drained drained) {
			startWork("generation " + (generation() - 1) + " drained");
			tookOver(drained);
		}
		else if (message instanceof Message.Attempt attempt) {
			supervisorReports(attempt.attempt());
		}
		else if (message instanceof Message.Drain drain) {
			daemon("graceful-restart-drain", () -> {
				synchronized (this.monitor) {
					this.state = RestartState.DRAINING;
				}
				HandoverChannel channel = this.handoff.channel().orElseThrow();
				retire(drain.attempt(), this.servers.running(), () -> channel.trySend(new Message.WorkStopped()),
						(drainMs) -> channel.trySend(new Message.Drained(drainMs, List.of())));
			});
		}
		else if (message instanceof Message.Accepted accepted) {
			this.supervisorRequests.answered(new RestartRequest(true, accepted.attempt(), null));
		}
		else if (message instanceof Message.Refused refused) {
			this.supervisorRequests.answered(new RestartRequest(false, refused.attempt(), refused.reason()));
		}
		else {
			logger.warn("Ignoring handover message '" + message.encode() + "'");
		}
	}

	private void channelEnded() {
		startWork("the channel to " + (isSupervised() ? "the supervisor" : "generation " + (generation() - 1))
				+ " ended");
		if (isSupervised()) {
			synchronized (this.monitor) {
				this.supervisorGone = true;
			}
			if (state() != RestartState.DRAINING) {
				logger.warn("The supervisor (pid " + this.handoff.supervisorPid().get() + ") is gone: generation "
						+ generation() + " keeps serving, but cannot restart any more");
			}
			this.supervisorRequests.answered(new RestartRequest(false, null, "the supervisor is gone"));
			return;
		}
		if (this.handoff.parentPid().isPresent()) {
			logger.info("Generation " + (generation() - 1) + " (pid " + this.handoff.parentPid().get()
					+ ") has ended; generation " + generation() + " serves alone");
		}
		previousGenerationGone();
		startJmxAgent();
		runQueued();
	}

	/**
	 * Start the background work this generation deferred, once: its predecessor stopped
	 * its own, drained, or is gone.
	 */
	private void startWork(String because) {
		if (this.handoff.parentPid().isEmpty() || !this.workStarted.compareAndSet(false, true)) {
			return;
		}
		logger.info("Generation " + generation() + " starts its background work: " + because);
		try {
			this.work.start();
		}
		catch (RuntimeException ex) {
			logger.error("Generation " + generation() + " could not start its background work", ex);
		}
	}

	private void previousGenerationGone() {
		this.listeners.fire((listener) -> listener.servingAlone(generation()));
	}

	private void tookOver(Message.Drained drained) {
		List<RestartAttempt> inherited = drained.history();
		logger.info("Previous generation drained in " + drained.drainMs() + " ms; generation " + generation()
				+ " serves alone");
		synchronized (this.monitor) {
			this.history.addOlder(inherited);
			if (this.current == null && !inherited.isEmpty()) {
				this.current = inherited.get(0);
			}
		}
		boolean wasBusy = this.predecessor.busy();
		this.predecessor.drained();
		if (!inherited.isEmpty() && this.handoff.parentPid().isPresent()) {
			Duration drain = Duration.ofMillis(drained.drainMs());
			this.listeners.fire((listener) -> listener.restartSucceeded(inherited.get(0), drain));
		}
		if (isSupervised() && wasBusy) {
			// The supervisor says DRAINED once the previous generation exited.
			previousGenerationGone();
			startJmxAgent();
			runQueued();
		}
	}

	private String previousGenerationBusy() {
		if (this.predecessor.state() == Predecessor.State.DRAINING) {
			return "the previous generation is still draining";
		}
		return "the previous generation (pid " + this.handoff.parentPid().orElse(null)
				+ ") has drained and is still shutting down";
	}

	/**
	 * The supervisor's view of the attempt it runs (in progress, then failed or timed
	 * out): this generation shows it in its status and hears of it as listeners do in the
	 * unsupervised case.
	 */
	private void supervisorReports(RestartAttempt attempt) {
		if (attempt == null) {
			return;
		}
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
				this.history.add(attempt);
			}
		}
		if (started) {
			this.listeners.fire((listener) -> listener.restartStarted(attempt));
		}
		if (attempt.result() != RestartResult.IN_PROGRESS) {
			this.listeners.fire((listener) -> listener.restartFailed(attempt));
			runQueued();
		}
	}

	private RestartAttempt current() {
		synchronized (this.monitor) {
			return this.current;
		}
	}

	private boolean isSupervised() {
		return this.handoff.supervisorPid().isPresent();
	}

	/**
	 * Ask for a restart. At most one runs at a time: a request while one runs, before
	 * this generation is ready, or while it or the previous one drains, is queued (at
	 * most one; later ones merge into it) and runs once that is over, whatever its
	 * result: a trigger has no reply, and one that was dropped would lose a deploy. A
	 * restart that succeeds hands the queued one to the generation that took over. A
	 * request while this generation shuts down, or has lost its supervisor, is refused.
	 * @param trigger what asks ({@code SIGHUP}, {@code ENDPOINT}, ...)
	 * @return whether a restart was started or queued, and the attempt that runs
	 */
	public RestartRequest requestRestart(String trigger) {
		RestartAttempt attempt;
		synchronized (this.monitor) {
			String refused = this.closed ? "this generation is shutting down"
					: this.supervisorGone ? "the supervisor is gone" : null;
			if (refused != null) {
				logger.info("Restart requested by " + trigger + " ignored: " + refused);
				return new RestartRequest(false, this.current, refused);
			}
			String busy = !this.ready ? "this generation is not ready yet"
					: this.predecessor.busy() ? previousGenerationBusy()
							: (this.state != RestartState.SERVING) ? "a restart is already " + this.state : null;
			if (busy != null) {
				return new RestartRequest(false, this.current, this.queued.offer(trigger, busy), true);
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
			return this.supervisorRequests.ask(trigger, current());
		}
		logger.info(
				"Restart " + attempt.id() + " triggered by " + trigger + ": starting generation " + (generation() + 1));
		daemon("graceful-restart", () -> run(attempt));
		return new RestartRequest(true, attempt, null);
	}

	/**
	 * Run the queued trigger, if any, now that what held it may be over: queued again if
	 * not.
	 */
	private void runQueued() {
		String trigger = takeQueued();
		if (trigger != null) {
			requestRestart(trigger);
		}
	}

	/**
	 * Take the queued trigger, to run it or hand it to the generation that took over.
	 */
	private String takeQueued() {
		synchronized (this.monitor) {
			return this.queued.take();
		}
	}

	private void run(RestartAttempt attempt) {
		ChildProcess started = null;
		this.listeners.fire((listener) -> listener.restartStarted(attempt));
		try {
			List<RestartableServer> running = this.servers.running();
			started = spawn(running);
			started.reapWith();
			started.listen((message) -> {
			});
			RestartAttempt withPid = attempt.withNewPid(started.pid());
			boolean closing;
			synchronized (this.monitor) {
				this.current = withPid;
				this.child = started;
				closing = this.closed;
			}
			if (closing) {
				// Shut down while the child was spawned: close() did not see it, so it
				// goes here.
				started.stop(this.settings.stopTimeout());
				fail(withPid, RestartResult.FAILED, "this generation is shutting down; stopped " + started);
				return;
			}
			logger.info("Restart " + attempt.id() + ": generation " + (generation() + 1) + " started as pid "
					+ started.pid());
			awaitReadyAndTakeOver(withPid, started, running);
		}
		catch (RuntimeException ex) {
			logger.error("Restart " + attempt.id() + " failed: " + ex.getMessage(), ex);
			if (started != null) {
				started.stop(this.settings.stopTimeout());
			}
			fail(attempt, RestartResult.FAILED, ex.getMessage());
		}
	}

	private ChildProcess spawn(List<RestartableServer> running) {
		GenerationServers.Sockets handedOver = this.servers.listeningSockets(running);
		List<String> activated = this.handoff.listeners()
			.claimed()
			.stream()
			.filter(InheritedListener::activated)
			.map(InheritedListener::name)
			.toList();
		List<String> environment = new ArrayList<>(Handoff.childEnvironment(this.os.environment(), handedOver.names(),
				activated, handedOver.sockets(), generation() + 1, this.os.pid(), null));
		Duration booted = this.bootTime;
		if (booted != null) {
			environment.add(Handoff.BOOT_MS + "=" + booted.toMillis());
		}
		String paths = this.trafficRoutes.get();
		if (!paths.isEmpty()) {
			environment.add(Handoff.WARMUP_PATHS + "=" + paths);
		}
		int[] fds = handedOver.sockets().stream().mapToInt(ListeningSocket::fd).toArray();
		ChildCommandLine line = withoutPortOptions(this.commandLine.get(), environment);
		ChildProcess started = new Launcher(this.os, this.bootPriority, this.bootNice).launch(generation() + 1, line,
				environment, fds);
		return started;
	}

	private void awaitReadyAndTakeOver(RestartAttempt attempt, ChildProcess started, List<RestartableServer> running) {
		Duration timeout = this.settings.startupTimeout();
		switch (awaitReady(attempt, started, timeout)) {
			case READY -> {
				boolean closing;
				synchronized (this.monitor) {
					closing = this.closed;
					if (!closing) {
						// Committed: from here on close() leaves the next generation
						// serving.
						this.state = RestartState.DRAINING;
					}
				}
				if (closing) {
					// close() saw it starting, and stops it.
					fail(attempt, RestartResult.FAILED, "this generation is shutting down; stopped " + started);
					return;
				}
				takeOver(attempt, started, running);
			}
			case ENDED -> {
				String status = started.awaitExit(this.settings.stopTimeout());
				// Not reaped (the reaper failed, or it closed its channel and lives on):
				// make sure.
				started.stop(this.settings.stopTimeout());
				fail(attempt, RestartResult.FAILED, started.unready("ended before it was ready: " + status), started);
			}
			case TIMED_OUT -> {
				started.stop(this.settings.stopTimeout());
				fail(attempt, RestartResult.TIMED_OUT,
						started.unready("was not ready within " + timeout + ", stopped it"), started);
			}
			case INTERRUPTED -> {
				started.stop(this.settings.stopTimeout());
				fail(attempt, RestartResult.FAILED, "interrupted while waiting for " + started);
			}
		}
	}

	/**
	 * Wait until the next generation is ready, ends or times out, saying at each quarter
	 * of the timeout that it is still starting. A generation that boots lowered and is
	 * starved steps up: see {@link StarvedBoot}.
	 */
	private ChildProcess.ReadyOutcome awaitReady(RestartAttempt attempt, ChildProcess started, Duration timeout) {
		TreeMap<Duration, List<Runnable>> events = new TreeMap<>();
		for (int quarter = 1; quarter < 4; quarter++) {
			Duration waited = timeout.multipliedBy(quarter).dividedBy(4);
			at(events, waited,
					() -> logger.info("Restart " + attempt.id() + ": " + started.stillStarting(waited, timeout)));
		}
		Runnable restoreOnReady = new StarvedBoot(this.os, this.bootPriority, this.bootTime).watch(attempt, started,
				timeout, (when, look) -> at(events, when, look));
		at(events, timeout, () -> {
		});
		Duration waited = Duration.ZERO;
		for (Map.Entry<Duration, List<Runnable>> event : events.entrySet()) {
			ChildProcess.ReadyOutcome outcome = started.awaitReady(event.getKey().minus(waited));
			waited = event.getKey();
			if (outcome == ChildProcess.ReadyOutcome.READY) {
				restoreOnReady.run();
			}
			if (outcome != ChildProcess.ReadyOutcome.TIMED_OUT || waited.compareTo(timeout) >= 0) {
				return outcome;
			}
			event.getValue().forEach(Runnable::run);
		}
		return ChildProcess.ReadyOutcome.TIMED_OUT;
	}

	/**
	 * The next generation's command line and environment without the JVM options that
	 * open a port this generation holds: see {@link PortOptions}.
	 */
	private ChildCommandLine withoutPortOptions(ChildCommandLine line, List<String> environment) {
		return PortOptions.forNextGeneration(line, this.os.environment(), environment);
	}

	/**
	 * Start the JMX remote agent this generation was started without, now that its
	 * predecessor, which held its port, is gone.
	 */
	private void startJmxAgent() {
		String arguments = this.os.environment().get(Handoff.JMX_AGENT);
		if (arguments != null) {
			daemon("graceful-restart-jmx", () -> PortOptions.startJmxAgent(generation(), arguments));
		}
	}

	private static void at(TreeMap<Duration, List<Runnable>> events, Duration when, Runnable event) {
		events.computeIfAbsent(when, (key) -> new ArrayList<>()).add(event);
	}

	private void fail(RestartAttempt attempt, RestartResult result, String message, ChildProcess started) {
		fail(attempt, result, message);
		List<String> indicators = started.notUp();
		if (!indicators.isEmpty()) {
			RestartAttempt ended = current();
			this.listeners.fire((listener) -> listener.unhealthy(ended, indicators));
		}
	}

	private void fail(RestartAttempt attempt, RestartResult result, String message) {
		logger.error("Restart " + attempt.id() + " " + result + ": " + message + "; this generation keeps serving");
		RestartAttempt ended = attempt.ended(result, this.clock.instant(), message);
		synchronized (this.monitor) {
			this.current = ended;
			this.child = null;
			this.history.add(ended);
			this.state = RestartState.SERVING;
		}
		this.listeners.fire((listener) -> listener.restartFailed(ended));
		runQueued();
	}

	private void takeOver(RestartAttempt attempt, ChildProcess next, List<RestartableServer> running) {
		long readyMs = Duration.between(attempt.startedAt(), this.clock.instant()).toMillis();
		logger.info("Restart " + attempt.id() + ": pid " + attempt.newPid() + " ready after " + readyMs + " ms");
		RestartAttempt succeeded = attempt.ended(RestartResult.SUCCEEDED, this.clock.instant(),
				"generation " + (generation() + 1) + " (pid " + attempt.newPid() + ") took over");
		retire(succeeded, running, () -> next.send(new Message.WorkStopped()), (drainMs) -> {
			String queuedTrigger = takeQueued();
			if (queuedTrigger != null) {
				logger.info("Restart " + succeeded.id() + ": handing the restart queued by " + queuedTrigger
						+ " to generation " + (generation() + 1));
				next.send(new Message.Queued(queuedTrigger));
			}
			List<RestartAttempt> handed;
			synchronized (this.monitor) {
				handed = this.history.with(succeeded);
			}
			return next.send(new Message.Drained(drainMs, handed));
		});
	}

	/** Drain and close this generation, which handed over: see {@link Retirement}. */
	private void retire(RestartAttempt succeeded, List<RestartableServer> running, Runnable reportWorkStopped,
			LongPredicate reportDrain) {
		synchronized (this.monitor) {
			this.current = succeeded;
		}
		new Retirement(this.settings, this.os, this.servers, this.listeners, generation(), this.handedOver,
				this.settings.closeLimit(), this.work)
			.run(succeeded, running, reportWorkStopped, reportDrain);
	}

	static void daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * The service is stopping (called as the context starts closing, before the web
	 * server's graceful shutdown): stop a new generation that is still starting, and let
	 * none that reports ready from now on take over, so that a stop never turns into a
	 * restart. A new generation that already took over is left serving.
	 */
	public void shuttingDown() {
		ChildProcess starting;
		synchronized (this.monitor) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			starting = (this.state == RestartState.RESTARTING) ? this.child : null;
		}
		if (starting != null) {
			logger.info("Shutting down during a restart: stopping " + starting);
			starting.stop(this.settings.stopTimeout());
		}
	}

	/**
	 * Shut this generation down without handing over (the service stops), when its
	 * context is destroyed: see {@link #shuttingDown()}, then tell the listeners. A
	 * generation whose previous one still drains waits until that one has ended: a
	 * service manager that stops this one, its main process, takes its end for the
	 * service's and kills what is left (systemd's {@code KillMode=}), requests still in
	 * flight in the previous one. A previous generation that was still serving (this one
	 * never became ready) is left alone.
	 */
	public void close() {
		shuttingDown();
		boolean serving;
		synchronized (this.monitor) {
			if (this.destroyed) {
				return;
			}
			this.destroyed = true;
			// A generation that never became ready (stopped by the one that started it)
			// or that handed over is not the service stopping.
			serving = this.ready && this.state != RestartState.DRAINING;
		}
		if (serving) {
			this.listeners.fire(RestartListener::stopping);
		}
		if (!isSupervised() && this.predecessor.busy()) {
			Duration limit = this.settings.closeLimit();
			logger.info("Shutting down while generation " + (generation() - 1) + " (pid "
					+ this.handoff.parentPid().orElse(null) + ") still drains: waiting until it has ended (at most "
					+ limit + ")");
			if (!this.predecessor.awaitGone(limit)) {
				logger.warn("Generation " + (generation() - 1) + " did not end within " + limit);
			}
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
	 * Return what this generation is doing, without the rest of {@link #status()} (which
	 * reads {@code /proc} for the listeners).
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
		List<RestartableServer> running = this.servers.running();
		String server = GenerationServers.types(running);
		List<RestartStatus.ListenerStatus> listeners = this.servers.listeners(running);
		Map<String, Integer> draining = (state() == RestartState.DRAINING) ? this.servers.openByKind(running) : null;
		synchronized (this.monitor) {
			Integer parent = this.predecessor.present() ? this.handoff.parentPid().orElse(null) : null;
			Integer supervisor = this.handoff.supervisorPid().orElse(null);
			return new RestartStatus(this.state, generation(), this.os.pid(), parent,
					(supervisor != null) ? "SUPERVISED" : "STANDALONE", supervisor, server, this.startedAt, listeners,
					draining, this.warmup, this.current, this.queued.peek(), this.history.list());
		}
	}

}
