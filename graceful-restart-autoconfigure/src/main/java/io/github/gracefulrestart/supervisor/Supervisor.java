package io.github.gracefulrestart.supervisor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.github.gracefulrestart.Handoff;
import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartListener;
import io.github.gracefulrestart.RestartListeners;
import io.github.gracefulrestart.RestartResult;
import io.github.gracefulrestart.RestartSettings;
import io.github.gracefulrestart.RestartState;
import io.github.gracefulrestart.process.ChildCommandLine;
import io.github.gracefulrestart.process.ChildStopper;
import io.github.gracefulrestart.process.ClassDataArchive;
import io.github.gracefulrestart.process.ExitStatus;
import io.github.gracefulrestart.process.HandshakeChannel;
import io.github.gracefulrestart.process.NativeOs;
import io.github.gracefulrestart.systemd.SdNotify;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The process that stays: it holds the listening sockets, starts every generation with them,
 * and is the one owner of restart state in supervised mode. Its pid never changes, which is what
 * a container runtime (the JVM is PID 1) or a service manager tracking one process needs.
 * <p>
 * A restart: start the next generation with the sockets and a channel, wait for {@code READY}
 * (at most {@code startupTimeout}), tell the serving one {@code DRAIN}, wait for it to exit
 * (killing it past {@code drainTimeout + stopTimeout + 30s}), then tell the new one
 * {@code DRAINED} with the history. A generation that fails to start is stopped and reaped and
 * nothing else changes. A serving generation that ends on its own is replaced, with a backoff
 * that doubles up to {@value #MAX_BACKOFF_SECONDS} seconds; one that exits with status 0 ends
 * the supervisor with it.
 * <p>
 * As PID 1 it reaps every process the kernel hands it, forwards SIGTERM and SIGINT to the
 * serving generation and exits with that generation's status once every generation ended.
 */
public final class Supervisor {

	private static final Log logger = LogFactory.getLog(Supervisor.class);

	private static final int SIGTERM = 15;

	private static final int SIGKILL = 9;

	private static final int HISTORY_SIZE = 20;

	private static final int MAX_BACKOFF_SECONDS = 30;

	private static final Duration HEALTHY = Duration.ofSeconds(60);

	private final RestartSettings settings;

	private final NativeOs os;

	private final ChildCommandLine commandLine;

	private final Map<String, String> environment;

	private final List<SupervisedSocket> sockets;

	private final RestartListeners listeners = new RestartListeners();

	private final ChildStopper stopper;

	private final Clock clock = Clock.systemUTC();

	private final Object monitor = new Object();

	private final Map<Integer, Generation> generations = new HashMap<>();

	private final Deque<RestartAttempt> history = new ArrayDeque<>();

	private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();

	private int spawns;

	private int lastNumber;

	private Generation serving;

	private RestartState state = RestartState.RESTARTING;

	private RestartAttempt current;

	private boolean stopping;

	private ExitStatus servingExit;

	private int crashes;

	private ClassDataArchive classData;

	/**
	 * Create a supervisor.
	 * @param settings the timing
	 * @param os the native calls
	 * @param commandLine the command line of every generation
	 * @param environment the environment generations start from
	 * @param sockets the listening sockets every generation serves
	 */
	public Supervisor(RestartSettings settings, NativeOs os, ChildCommandLine commandLine,
			Map<String, String> environment, List<SupervisedSocket> sockets) {
		this.settings = settings;
		this.os = os;
		this.commandLine = commandLine;
		this.environment = new HashMap<>(environment);
		// Only the supervisor speaks to systemd: its pid is the unit's main pid.
		this.environment.remove(SdNotify.NOTIFY_SOCKET);
		this.sockets = List.copyOf(sockets);
		this.stopper = new ChildStopper(os, settings.stopTimeout());
	}

	/**
	 * Start generations with a class-data archive of the running jar.
	 * @param classData the archives
	 */
	public void useClassDataArchive(ClassDataArchive classData) {
		this.classData = classData;
	}

	/**
	 * Add a listener to hear what the supervisor does ({@code ready} when generation 1 serves,
	 * {@code restartStarted}, {@code servingAlone} after each takeover, {@code restartFailed},
	 * {@code stopping}).
	 * @param listener the listener
	 */
	public void addListener(RestartListener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Start generation 1 and supervise until the service stops.
	 * @return the exit code of this process: the last serving generation's
	 */
	public int run() {
		daemon("graceful-restart-supervisor-reaper", this::reap);
		logger.info("Supervisor (pid " + this.os.pid() + ") holds " + this.sockets + "; starting generation 1");
		Generation first = spawn(null);
		Optional<String> failure = awaitReady(first);
		if (failure.isPresent()) {
			logger.error("Generation 1 did not start: " + failure.get() + "; the supervisor exits");
			stopAndReap(first);
			synchronized (this.monitor) {
				this.stopping = true;
			}
			checkAllEnded();
			return exitCodeOf(first.exit().getNow(new ExitStatus(1, 0)));
		}
		synchronized (this.monitor) {
			this.serving = first;
			this.state = RestartState.SERVING;
		}
		logger.info("Generation 1 (pid " + first.pid() + ") serves");
		notifyListeners((listener) -> listener.ready(1, true));
		return this.exitCode.join();
	}

	/**
	 * Ask for a restart, from a signal or from the serving generation. At most one runs at a time.
	 * @param trigger what asks ({@code SIGHUP}, {@code ENDPOINT}, ...)
	 * @return the started attempt, or empty when one runs or the service stops
	 */
	public Optional<RestartAttempt> requestRestart(String trigger) {
		return Optional.ofNullable(answer(trigger).accepted() ? this.current() : null);
	}

	/**
	 * Stop the service: forward {@code signal} to the serving generation, stop one that is
	 * starting, and exit once every generation ended.
	 * @param signal the signal's name, {@code SIGTERM} or {@code SIGINT}
	 */
	public void stop(String signal) {
		Generation target;
		synchronized (this.monitor) {
			if (this.stopping) {
				return;
			}
			this.stopping = true;
			target = this.serving;
		}
		logger.info("Supervisor received " + signal + ": stopping "
				+ ((target != null) ? target : "the generation that is starting"));
		notifyListeners(RestartListener::stopping);
		if (target != null) {
			this.os.kill(target.pid(), "SIGINT".equals(signal) ? 2 : SIGTERM);
		}
		List<Generation> others;
		synchronized (this.monitor) {
			others = this.generations.values().stream().filter((generation) -> generation != target).toList();
		}
		// A generation still starting never served: it goes at once (the restart then fails).
		others.stream().filter((generation) -> !generation.ready().isDone()).forEach(this::stopAndReap);
		checkAllEnded();
	}

	private Answer answer(String trigger) {
		RestartAttempt attempt;
		Generation old;
		synchronized (this.monitor) {
			if (this.stopping || this.state != RestartState.SERVING || this.serving == null) {
				String why = this.stopping ? "the service is stopping" : "a restart is already " + this.state;
				logger.info("Restart requested by " + trigger + " ignored: " + why);
				return new Answer(false, this.current, why);
			}
			old = this.serving;
			attempt = new RestartAttempt(UUID.randomUUID().toString(), trigger, RestartResult.IN_PROGRESS,
					this.clock.instant(), null, old.pid(), null, "starting generation " + (old.number() + 1));
			this.state = RestartState.RESTARTING;
			this.current = attempt;
		}
		logger.info("Restart " + attempt.id() + " triggered by " + trigger + ": starting generation "
				+ (old.number() + 1));
		old.send(HandshakeChannel.ATTEMPT + " " + RestartAttempt.encode(List.of(attempt)));
		notifyListeners((listener) -> listener.restartStarted(attempt));
		daemon("graceful-restart-supervisor", () -> replace(old, attempt));
		return new Answer(true, attempt, null);
	}

	private RestartAttempt current() {
		synchronized (this.monitor) {
			return this.current;
		}
	}

	/**
	 * Start the next generation and, once it is ready, make it the serving one; {@code old} is
	 * the serving generation (drained once the next is ready), or the one that crashed.
	 */
	private void replace(Generation old, RestartAttempt attempt) {
		Generation next;
		try {
			next = spawn(old);
		}
		catch (RuntimeException ex) {
			failed(old, attempt, RestartResult.FAILED, "could not start generation " + (old.number() + 1) + ": "
					+ ex.getMessage());
			return;
		}
		RestartAttempt started = attempt.withNewPid(next.pid());
		synchronized (this.monitor) {
			this.current = started;
		}
		old.send(HandshakeChannel.ATTEMPT + " " + RestartAttempt.encode(List.of(started)));
		logger.info("Restart " + attempt.id() + ": " + next + " started");
		Optional<String> failure = awaitReady(next);
		if (failure.isPresent()) {
			if (this.classData != null && next.prepared() != null && failure.get().contains("ended before it was ready")) {
				this.classData.failed(next.prepared());
			}
			stopAndReap(next);
			RestartResult result = failure.get().contains("not ready within") ? RestartResult.TIMED_OUT
					: RestartResult.FAILED;
			failed(old, started, result, failure.get());
			return;
		}
		takeOver(old, next, started);
	}

	private void takeOver(Generation old, Generation next, RestartAttempt attempt) {
		boolean crashed = old.exit().isDone();
		RestartAttempt succeeded = attempt.ended(RestartResult.SUCCEEDED, this.clock.instant(), next + " took over"
				+ (crashed ? " after " + old + " ended (" + old.exit().join() + ")" : ""));
		synchronized (this.monitor) {
			this.state = RestartState.DRAINING;
			this.serving = next;
			this.current = succeeded;
		}
		long drainMs = 0;
		if (!crashed) {
			logger.info("Restart " + attempt.id() + ": " + next + " is ready; draining " + old);
			old.send(HandshakeChannel.DRAIN + " " + RestartAttempt.encode(List.of(succeeded)));
			drainMs = awaitGone(old);
		}
		String history;
		synchronized (this.monitor) {
			this.history.addFirst(succeeded);
			trimHistory();
			history = RestartAttempt.encode(List.copyOf(this.history));
			this.state = RestartState.SERVING;
		}
		next.send(HandshakeChannel.DRAINED + " " + drainMs + " " + history);
		logger.info("Restart " + attempt.id() + " succeeded: " + next + " serves");
		notifyListeners((listener) -> listener.servingAlone(next.number()));
		Duration drain = Duration.ofMillis(drainMs);
		notifyListeners((listener) -> listener.restartSucceeded(succeeded, drain));
	}

	/**
	 * Wait for the drained generation to report its drain and exit; past the drain timeout plus
	 * the stop timeout and a grace period, kill it.
	 */
	private long awaitGone(Generation old) {
		Duration limit = this.settings.drainTimeout().plus(this.settings.stopTimeout()).plusSeconds(30);
		long drainMs = -1;
		try {
			drainMs = old.drained().get(limit.toMillis(), TimeUnit.MILLISECONDS);
			old.exit().get(limit.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			logger.error(old + " did not exit within " + limit + " of DRAIN; killing it");
			this.os.kill(old.pid(), SIGKILL);
			old.exit().join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			logger.debug("Waiting for " + old + " failed: " + ex.getCause());
		}
		return Math.max(drainMs, 0);
	}

	private void failed(Generation old, RestartAttempt attempt, RestartResult result, String message) {
		RestartAttempt ended = attempt.ended(result, this.clock.instant(), message);
		boolean recover;
		synchronized (this.monitor) {
			this.current = ended;
			this.history.addFirst(ended);
			trimHistory();
			this.state = RestartState.SERVING;
			// The generation the attempt was to replace is gone (it crashed during the restart, or
			// this was already a recovery): nothing serves, so try again.
			recover = !this.stopping && old.exit().isDone() && (this.serving == null || this.serving == old);
			if (recover) {
				this.serving = null;
			}
		}
		logger.error("Restart " + attempt.id() + " " + result + ": " + message
				+ ((recover || isStopping()) ? "" : "; " + old + " keeps serving"));
		old.send(HandshakeChannel.ATTEMPT + " " + RestartAttempt.encode(List.of(ended)));
		notifyListeners((listener) -> listener.restartFailed(ended));
		if (recover) {
			recover(old, old.exit().join());
		}
		checkAllEnded();
	}

	/**
	 * Wait until {@code generation} reports ready.
	 * @return empty when ready, else why not
	 */
	private Optional<String> awaitReady(Generation generation) {
		Duration timeout = this.settings.startupTimeout();
		try {
			Object first = CompletableFuture.anyOf(generation.ready(), generation.exit())
				.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (Boolean.TRUE.equals(first) && !isStopping()) {
				return Optional.empty();
			}
			if (isStopping()) {
				return Optional.of(generation + " was stopped: the service is stopping");
			}
			ExitStatus status = generation.exit().get(this.settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
			return Optional.of(generation + " ended before it was ready: " + status);
		}
		catch (TimeoutException ex) {
			return Optional.of(generation + " was not ready within " + timeout + "; stopped it");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.of("interrupted while waiting for " + generation);
		}
		catch (ExecutionException ex) {
			return Optional.of("lost " + generation + ": " + ex.getCause());
		}
	}

	private Generation spawn(Generation previous) {
		int[] pair = this.os.socketPair();
		Generation generation;
		try {
			int[] fds = new int[this.sockets.size() + 1];
			for (int i = 0; i < this.sockets.size(); i++) {
				fds[i] = this.sockets.get(i).socket().fd();
			}
			fds[this.sockets.size()] = pair[1];
			synchronized (this.monitor) {
				int number = ++this.lastNumber;
				List<String> environment = Handoff.childEnvironment(this.environment,
						this.sockets.stream().map(SupervisedSocket::name).toList(),
						this.sockets.stream().filter(SupervisedSocket::activated).map(SupervisedSocket::name).toList(),
						this.sockets.stream().map(SupervisedSocket::socket).toList(), number,
						(previous != null) ? previous.pid() : null, this.os.pid());
				ChildCommandLine command = this.commandLine;
				ClassDataArchive.Prepared prepared = (this.classData != null) ? this.classData.prepare(command) : null;
				if (prepared != null) {
					command = prepared.commandLine();
					environment = this.classData.handDownDigest(environment);
				}
				int pid = this.os.spawn(command.executable(), command.argv(), environment, fds);
				generation = new Generation(number, pid, new HandshakeChannel(this.os, pair[0]), prepared);
				this.generations.put(pid, generation);
				this.spawns++;
				this.monitor.notifyAll();
			}
		}
		catch (RuntimeException ex) {
			this.os.close(pair[0]);
			throw ex;
		}
		finally {
			// The generation has its own copy: ours must go, or we would never see end of stream.
			this.os.close(pair[1]);
		}
		daemon("graceful-restart-supervisor-channel-" + generation.number(), () -> listen(generation));
		return generation;
	}

	/**
	 * Read what {@code generation} says until its channel ends.
	 */
	private void listen(Generation generation) {
		try {
			String message;
			while ((message = generation.channel().receive()) != null) {
				String[] parts = message.split(" ", 2);
				switch (parts[0]) {
					case HandshakeChannel.READY -> generation.markReady(this.clock.instant());
					case HandshakeChannel.DRAINED -> generation.drained().complete(Long.parseLong(parts[1].trim()));
					case HandshakeChannel.RESTART -> answerGeneration(generation, parts[1]);
					default -> logger.warn("Ignoring unknown message from " + generation + ": '" + message + "'");
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Channel of " + generation + " ended: " + ex.getMessage());
		}
		finally {
			generation.ready().complete(false);
			generation.drained().complete(-1L);
			generation.close();
		}
	}

	private void answerGeneration(Generation generation, String trigger) {
		boolean serving;
		synchronized (this.monitor) {
			serving = generation == this.serving;
		}
		Answer answer = serving ? answer(trigger) : new Answer(false, current(), generation + " is not serving");
		List<RestartAttempt> attempt = (answer.attempt() != null) ? List.of(answer.attempt()) : List.of();
		generation.send((answer.accepted() ? HandshakeChannel.ACCEPTED : HandshakeChannel.REFUSED) + " "
				+ RestartAttempt.encode(attempt) + (answer.accepted() ? "" : " " + answer.reason()));
	}

	/**
	 * Reap every child: generations, and any orphan the kernel hands to PID 1. With no child at
	 * all, {@code waitpid} fails at once, so wait for the next spawn instead.
	 */
	private void reap() {
		while (true) {
			int spawnsBefore;
			synchronized (this.monitor) {
				spawnsBefore = this.spawns;
			}
			Optional<NativeOs.Reaped> reaped = this.os.waitAny();
			if (reaped.isEmpty()) {
				synchronized (this.monitor) {
					if (this.exitCode.isDone()) {
						return;
					}
					while (this.spawns == spawnsBefore && !this.exitCode.isDone()) {
						try {
							this.monitor.wait();
						}
						catch (InterruptedException ex) {
							return;
						}
					}
				}
				continue;
			}
			Generation generation;
			synchronized (this.monitor) {
				generation = this.generations.remove(reaped.get().pid());
			}
			if (generation == null) {
				logger.debug("Reaped orphan pid " + reaped.get().pid() + " (" + reaped.get().status() + ")");
				continue;
			}
			generation.exit().complete(reaped.get().status());
			ended(generation, reaped.get().status());
		}
	}

	private void ended(Generation generation, ExitStatus status) {
		boolean crashedWhileServing;
		synchronized (this.monitor) {
			if (generation == this.serving) {
				this.servingExit = status;
			}
			crashedWhileServing = !this.stopping && generation == this.serving && this.state == RestartState.SERVING;
			if (crashedWhileServing) {
				this.serving = null;
				if (status.code() == 0) {
					this.stopping = true;
				}
			}
		}
		if (crashedWhileServing) {
			if (status.code() == 0) {
				logger.info(generation + " exited normally; the supervisor stops with it");
				notifyListeners(RestartListener::stopping);
			}
			else {
				recover(generation, status);
			}
		}
		checkAllEnded();
	}

	/**
	 * Start a replacement for a generation that ended while serving, after a backoff that
	 * doubles with each crash in a row (reset once a generation served for a minute).
	 */
	private void recover(Generation crashed, ExitStatus status) {
		long delay;
		RestartAttempt attempt;
		synchronized (this.monitor) {
			Instant readyAt = crashed.readyAt();
			boolean healthy = readyAt != null && readyAt.plus(HEALTHY).isBefore(this.clock.instant());
			this.crashes = healthy ? 1 : this.crashes + 1;
			delay = Math.min(MAX_BACKOFF_SECONDS, 1L << Math.min(this.crashes - 1, 5));
			attempt = new RestartAttempt(UUID.randomUUID().toString(), "CRASH", RestartResult.IN_PROGRESS,
					this.clock.instant(), null, crashed.pid(), null,
					crashed + " ended while serving (" + status + "); starting generation " + (this.lastNumber + 1));
			this.state = RestartState.RESTARTING;
			this.current = attempt;
		}
		logger.error(crashed + " ended while serving (" + status + "); starting a new generation in " + delay
				+ " s (crash " + this.crashes + " in a row); connections wait in the listen backlog meanwhile");
		notifyListeners((listener) -> listener.restartStarted(attempt));
		daemon("graceful-restart-supervisor-recovery", () -> {
			try {
				Thread.sleep(TimeUnit.SECONDS.toMillis(delay));
			}
			catch (InterruptedException ex) {
				return;
			}
			if (!isStopping()) {
				replace(crashed, attempt);
			}
		});
	}

	private void checkAllEnded() {
		synchronized (this.monitor) {
			if (this.stopping && this.generations.isEmpty()) {
				ExitStatus last = (this.servingExit != null) ? this.servingExit : new ExitStatus(1, 0);
				this.exitCode.complete(exitCodeOf(last));
				this.monitor.notifyAll();
			}
		}
	}

	private void stopAndReap(Generation generation) {
		this.stopper.stop(generation.pid(), generation.exit(), generation.toString());
	}

	private boolean isStopping() {
		synchronized (this.monitor) {
			return this.stopping;
		}
	}

	private void trimHistory() {
		while (this.history.size() > HISTORY_SIZE) {
			this.history.removeLast();
		}
	}

	private static int exitCodeOf(ExitStatus status) {
		return (status.signal() != 0) ? 128 + status.signal() : status.code();
	}

	private void notifyListeners(Consumer<RestartListener> event) {
		this.listeners.fire(event);
	}

	private static void daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * The answer to a restart request.
	 */
	private record Answer(boolean accepted, RestartAttempt attempt, String reason) {

	}

}
