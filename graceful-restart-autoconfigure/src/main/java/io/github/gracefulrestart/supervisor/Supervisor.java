package io.github.gracefulrestart.supervisor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartListener;
import io.github.gracefulrestart.RestartListeners;
import io.github.gracefulrestart.RestartResult;
import io.github.gracefulrestart.RestartSettings;
import io.github.gracefulrestart.RestartState;
import io.github.gracefulrestart.handover.ChildProcess;
import io.github.gracefulrestart.handover.Handoff;
import io.github.gracefulrestart.handover.History;
import io.github.gracefulrestart.handover.Launcher;
import io.github.gracefulrestart.handover.Message;
import io.github.gracefulrestart.handover.PortOptions;
import io.github.gracefulrestart.handover.QueuedTrigger;
import io.github.gracefulrestart.process.ChildCommandLine;
import io.github.gracefulrestart.process.ExitStatus;
import io.github.gracefulrestart.process.NativeOs;
import io.github.gracefulrestart.systemd.SdNotify;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The process that stays: it holds the listening sockets, starts every generation with
 * them, and is the one owner of restart state in supervised mode. Its pid never changes,
 * which is what a container runtime (the JVM is PID 1) or a service manager tracking one
 * process needs.
 * <p>
 * Everything that happens enters one event loop, the thread that called {@link #run()}:
 * restart requests, what generations say, their exits (from the one reaper), timeouts and
 * the stop. Its state is touched on that thread only, so each order of events (a
 * generation dying while another drains, a stop during a restart) is decided in one
 * place.
 * <p>
 * A restart: start the next generation with the sockets and a channel; once it says
 * {@code READY} (at most {@code startupTimeout}) it serves, and the previous one hears
 * {@code DRAIN} and exits (killed past {@code drainTimeout + stopTimeout + 30s}); then
 * the new one hears {@code DRAINED} with the history. A generation that fails to start is
 * stopped and nothing else changes. When nothing serves any more (the serving generation
 * ended on its own, at any moment of a restart) a new one starts at once if a restart's
 * new generation is not already booting, after a backoff that doubles with each failure
 * in a row up to {@value #MAX_BACKOFF_SECONDS} seconds, and the supervisor exits non-zero
 * after {@link #giveUpAfter so many} failed replacements in a row; a serving generation
 * that exits with status 0 ends the supervisor with it.
 * <p>
 * As PID 1 it reaps every process the kernel hands it, forwards SIGTERM and SIGINT to the
 * serving generation and exits with that generation's status once every generation ended.
 */
public final class Supervisor {

	private static final Log logger = LogFactory.getLog(Supervisor.class);

	private static final int SIGTERM = 15;

	private static final int SIGKILL = 9;

	private static final int MAX_BACKOFF_SECONDS = 30;

	/** Failed replacements in a row after which the supervisor exits, by default. */
	public static final int DEFAULT_GIVE_UP_AFTER = 5;

	private static final Duration HEALTHY = Duration.ofSeconds(60);

	private static final Duration ANSWER = Duration.ofSeconds(10);

	private final RestartSettings settings;

	private final NativeOs os;

	private final ChildCommandLine commandLine;

	private final Map<String, String> environment;

	private final List<SupervisedSocket> sockets;

	private final RestartListeners listeners = new RestartListeners();

	private final Clock clock = Clock.systemUTC();

	private final BlockingQueue<Runnable> events = new LinkedBlockingQueue<>();

	private final ScheduledExecutorService timers;

	private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();

	private final Reaper reaper;

	// The state below is the event loop's alone.

	private final Map<Integer, ChildProcess> generations = new HashMap<>();

	private final History history = new History();

	private int lastNumber;

	/** The generation that serves; null while none does. */
	private ChildProcess serving;

	/** The generation that is starting and not ready yet. */
	private ChildProcess next;

	/** The generation that handed over and drains, with the attempt that replaced it. */
	private ChildProcess draining;

	private RestartAttempt takeover;

	private RestartAttempt current;

	private boolean recoveryScheduled;

	private boolean everServed;

	private boolean stopping;

	private ExitStatus lastExit;

	/** How the last generation that served ended on its own. */
	private String lost;

	private int failuresInARow;

	private int giveUpAfter = DEFAULT_GIVE_UP_AFTER;

	private boolean gaveUp;

	/** A trigger that came while a restart ran, run once none does. */
	private final QueuedTrigger queued = new QueuedTrigger();

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
		this.reaper = new Reaper(os, (reaped) -> post(() -> exited(reaped.pid(), reaped.status())));
		ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "graceful-restart-supervisor-timer");
			thread.setDaemon(true);
			return thread;
		});
		timers.setRemoveOnCancelPolicy(true);
		this.timers = timers;
	}

	/**
	 * Give up after this many failed replacements in a row of a generation that ended
	 * while serving: a release that can never start (a corrupt jar, a broken
	 * configuration) would otherwise be retried for ever, holding the port with nothing
	 * accepting; exiting non-zero hands the service to whoever runs it (systemd, an
	 * orchestrator).
	 * @param failures the failed replacements in a row, at least 1
	 */
	public void giveUpAfter(int failures) {
		this.giveUpAfter = Math.max(1, failures);
	}

	/**
	 * Add a listener to hear what the supervisor does ({@code ready} when generation 1
	 * serves, {@code restartStarted}, {@code servingAlone} after each takeover,
	 * {@code restartFailed}, {@code stopping}).
	 * @param listener the listener
	 */
	public void addListener(RestartListener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Start generation 1 and supervise until the service stops, on this thread.
	 * @return the exit code of this process: the last serving generation's
	 */
	public int run() {
		this.reaper.start();
		logger.info("Supervisor (pid " + this.os.pid() + ") holds " + this.sockets + "; starting generation 1");
		post(() -> launch(null, null));
		try {
			while (!this.exitCode.isDone()) {
				Runnable event = this.events.take();
				try {
					event.run();
					runQueued();
				}
				catch (RuntimeException ex) {
					logger.error("Supervisor event failed", ex);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.exitCode.complete(1);
		}
		finally {
			this.timers.shutdownNow();
			this.reaper.stop();
		}
		return this.exitCode.join();
	}

	/**
	 * Ask for a restart, from a signal. At most one runs at a time.
	 * @param trigger what asks ({@code SIGHUP}, {@code ENDPOINT}, ...)
	 * @return the started attempt, or empty when one runs or the service stops
	 */
	public Optional<RestartAttempt> requestRestart(String trigger) {
		if (this.exitCode.isDone()) {
			return Optional.empty();
		}
		CompletableFuture<Answer> answer = new CompletableFuture<>();
		post(() -> answer.complete(answer(trigger)));
		try {
			Answer given = answer.get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
			return given.accepted() ? Optional.of(given.attempt()) : Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
		catch (Exception ex) {
			logger.warn("The supervisor did not answer the restart request by " + trigger + ": " + ex);
			return Optional.empty();
		}
	}

	/**
	 * Stop the service: forward {@code signal} to the serving generation, stop one that
	 * is starting, and exit once every generation ended.
	 * @param signal the signal's name, {@code SIGTERM} or {@code SIGINT}
	 */
	public void stop(String signal) {
		post(() -> stopping(signal));
	}

	/** After each event: the queued trigger runs once no restart does. */
	private void runQueued() {
		// Not between the old generation's exit and the new one's hearing of it.
		if (this.queued.peek() != null && !this.stopping && state() == RestartState.SERVING && this.takeover == null) {
			answer(this.queued.take());
		}
	}

	private void post(Runnable event) {
		this.events.add(event);
	}

	private void later(Duration delay, Runnable event) {
		try {
			this.timers.schedule(() -> post(event), delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RuntimeException ex) {
			// Shut down: the loop has ended.
		}
	}

	private RestartState state() {
		if (this.next != null || this.recoveryScheduled || this.serving == null) {
			return RestartState.RESTARTING;
		}
		return (this.draining != null) ? RestartState.DRAINING : RestartState.SERVING;
	}

	private Answer answer(String trigger) {
		if (this.stopping) {
			logger.info("Restart requested by " + trigger + " ignored: the service is stopping");
			return new Answer(false, this.current, "the service is stopping");
		}
		if (state() != RestartState.SERVING) {
			return new Answer(false, this.current, this.queued.offer(trigger, "a restart is already " + state()));
		}
		ChildProcess old = this.serving;
		RestartAttempt attempt = new RestartAttempt(UUID.randomUUID().toString(), trigger, RestartResult.IN_PROGRESS,
				this.clock.instant(), null, old.pid(), null, "starting generation " + (this.lastNumber + 1));
		this.current = attempt;
		logger.info("Restart " + attempt.id() + " triggered by " + trigger + ": starting generation "
				+ (this.lastNumber + 1));
		old.send(new Message.Attempt(attempt));
		this.listeners.fire((listener) -> listener.restartStarted(attempt));
		launch(attempt, old);
		return new Answer(true, this.current, null);
	}

	/**
	 * Start the next generation: generation 1 ({@code attempt} null), a restart's (beside
	 * {@code previous}, which drains once it is ready), or a recovery's ({@code previous}
	 * null: nothing serves, so it boots as a first generation would, without warm-up or
	 * lowered priority).
	 */
	private void launch(RestartAttempt attempt, ChildProcess previous) {
		int number = this.lastNumber + 1;
		List<String> environment = Handoff.childEnvironment(this.environment,
				this.sockets.stream().map(SupervisedSocket::name).toList(),
				this.sockets.stream().filter(SupervisedSocket::activated).map(SupervisedSocket::name).toList(),
				this.sockets.stream().map(SupervisedSocket::socket).toList(), number,
				(previous != null) ? previous.pid() : null, this.os.pid());
		ChildProcess child;
		try {
			int[] fds = this.sockets.stream().mapToInt((socket) -> socket.socket().fd()).toArray();
			// Beside a serving generation, the options that open a port it holds are
			// carried or refused, as a generation does for its own successor.
			ChildCommandLine line = (previous != null)
					? PortOptions.forNextGeneration(this.commandLine, this.environment, environment) : this.commandLine;
			child = new Launcher(this.os, null, 0).launch(number, line, environment, fds);
		}
		catch (RuntimeException ex) {
			String message = "could not start generation " + number + ": " + ex.getMessage();
			if (attempt == null) {
				logger.error(message + "; the supervisor exits");
				this.stopping = true;
				checkAllEnded();
				return;
			}
			failed(attempt, RestartResult.FAILED, message);
			afterFailedStart();
			return;
		}
		this.lastNumber = number;
		this.generations.put(child.pid(), child);
		this.reaper.spawned();
		this.next = child;
		child.listen((message) -> post(() -> heard(child, message)));
		if (attempt != null) {
			this.current = attempt.withNewPid(child.pid());
			if (this.serving != null) {
				this.serving.send(new Message.Attempt(this.current));
			}
			logger.info("Restart " + attempt.id() + ": " + child + " started");
		}
		Duration timeout = this.settings.startupTimeout();
		for (int quarter = 1; quarter < 4; quarter++) {
			Duration waited = timeout.multipliedBy(quarter).dividedBy(4);
			later(waited, () -> {
				if (child == this.next) {
					logger.info(child.stillStarting(waited, timeout));
				}
			});
		}
		later(timeout, () -> startupTimedOut(child));
	}

	private void heard(ChildProcess child, Message message) {
		if (message instanceof Message.Ready && child == this.next) {
			ready(child);
		}
		else if (message instanceof Message.WorkStopped && child != this.serving && this.serving != null) {
			// From the generation that drains (or just exited: its exit may come first):
			// the one that took over starts its background work now, not after the drain.
			this.serving.send(message);
		}
		else if (message instanceof Message.Restart restart) {
			Answer answer = (child == this.serving) ? answer(restart.trigger())
					: new Answer(false, this.current, child + " is not serving");
			child.send(answer.accepted() ? new Message.Accepted(answer.attempt())
					: new Message.Refused(answer.attempt(), answer.reason()));
		}
	}

	private void ready(ChildProcess child) {
		this.next = null;
		if (this.stopping) {
			stopChild(child);
			return;
		}
		this.everServed = true;
		ChildProcess old = this.serving;
		this.serving = child;
		if (this.current == null) {
			logger.info(child + " serves");
			this.listeners.fire((listener) -> listener.ready(child.number(), true));
			return;
		}
		boolean drain = old != null;
		RestartAttempt succeeded = this.current.ended(RestartResult.SUCCEEDED, this.clock.instant(),
				child + " took over" + (drain ? "" : " after " + this.lost));
		this.current = succeeded;
		this.history.add(succeeded);
		if (!drain) {
			announce(child, succeeded, 0);
			return;
		}
		logger.info("Restart " + succeeded.id() + ": " + child + " is ready; draining " + old);
		this.draining = old;
		this.takeover = succeeded;
		if (!old.send(new Message.Drain(succeeded))) {
			// Its channel is gone but it may live on: a stop drains it as Spring Boot's
			// shutdown does.
			logger.warn(old + " cannot hear DRAIN; stopping it with SIGTERM");
			this.os.kill(old.pid(), SIGTERM);
		}
		Duration limit = this.settings.closeLimit();
		later(limit, () -> {
			if (this.generations.containsValue(old)) {
				logger.error(old + " did not exit within " + limit + " of DRAIN; killing it");
				this.os.kill(old.pid(), SIGKILL);
			}
		});
	}

	/**
	 * Tell the generation that serves alone now that it does, with the history.
	 */
	private void announce(ChildProcess child, RestartAttempt succeeded, long drainMs) {
		this.takeover = null;
		child.send(new Message.Drained(drainMs, this.history.list()));
		logger.info("Restart " + succeeded.id() + " succeeded: " + child + " serves");
		this.listeners.fire((listener) -> listener.servingAlone(child.number()));
		Duration drain = Duration.ofMillis(drainMs);
		this.listeners.fire((listener) -> listener.restartSucceeded(succeeded, drain));
	}

	private void startupTimedOut(ChildProcess child) {
		if (child != this.next) {
			return;
		}
		this.next = null;
		failed(this.current, RestartResult.TIMED_OUT,
				child.unready("was not ready within " + this.settings.startupTimeout() + ", stopped it"), child);
		stopChild(child);
		afterFailedStart();
	}

	private void exited(int pid, ExitStatus status) {
		ChildProcess child = this.generations.remove(pid);
		if (child == null) {
			logger.debug("Reaped orphan pid " + pid + " (" + status + ")");
			return;
		}
		child.exit().complete(status);
		this.lastExit = (child == this.serving || !this.everServed) ? status : this.lastExit;
		if (child == this.next) {
			this.next = null;
			failed(this.current, RestartResult.FAILED, child.unready("ended before it was ready: " + status), child);
			afterFailedStart();
		}
		else if (child == this.draining) {
			this.draining = null;
			RestartAttempt takeover = this.takeover;
			// Its DRAINED may still be on its way on the channel's own thread: at the
			// latest, the channel's end completes it.
			child.drained().thenAccept((drainMs) -> post(() -> {
				// Unless the generation that took over has ended meanwhile, and another
				// is on its way.
				if (this.serving != null && this.serving.pid() == takeover.newPid()) {
					announce(this.serving, takeover, Math.max(0, drainMs));
				}
			}));
		}
		else if (child == this.serving) {
			servingEnded(child, status);
		}
		checkAllEnded();
	}

	private void servingEnded(ChildProcess child, ExitStatus status) {
		this.serving = null;
		this.lost = child + " ended while serving (" + status + ")";
		if (this.stopping) {
			return;
		}
		if (this.next != null) {
			logger.error(child + " ended while serving (" + status + "); " + this.next
					+ ", which is starting, takes over once ready");
			return;
		}
		if (status.code() == 0 && this.draining == null) {
			logger.info(child + " exited normally; the supervisor stops with it");
			this.stopping = true;
			this.listeners.fire(RestartListener::stopping);
			return;
		}
		Instant readyAt = child.ready().getNow(null);
		boolean healthy = readyAt != null && readyAt.plus(HEALTHY).isBefore(this.clock.instant());
		this.failuresInARow = healthy ? 0 : this.failuresInARow;
		recover(this.lost, child.pid());
	}

	/**
	 * A start failed: when nothing serves, try again (generation 1 that never served ends
	 * the supervisor instead).
	 */
	private void afterFailedStart() {
		if (this.serving != null || this.stopping) {
			return;
		}
		if (!this.everServed) {
			logger.error("Generation 1 did not start; the supervisor exits");
			this.stopping = true;
			return;
		}
		recover("no generation serves", (this.current != null) ? this.current.oldPid() : this.os.pid());
	}

	/**
	 * Start a generation because none serves, after a backoff that doubles with each
	 * failure in a row (reset once a generation served for a minute).
	 */
	private void recover(String why, int oldPid) {
		if (this.failuresInARow >= this.giveUpAfter) {
			logger.error(why + " after " + this.failuresInARow
					+ " failed replacement(s) in a row; the supervisor gives up "
					+ "and exits with a failure status, so that what runs the service (systemd, the orchestrator) takes "
					+ "over (graceful-restart.supervisor-give-up-after)");
			this.gaveUp = true;
			this.stopping = true;
			checkAllEnded();
			return;
		}
		this.failuresInARow++;
		long delay = Math.min(MAX_BACKOFF_SECONDS, 1L << Math.min(this.failuresInARow - 1, 5));
		RestartAttempt attempt = new RestartAttempt(UUID.randomUUID().toString(), "CRASH", RestartResult.IN_PROGRESS,
				this.clock.instant(), null, oldPid, null, why + "; starting generation " + (this.lastNumber + 1));
		this.current = attempt;
		this.recoveryScheduled = true;
		logger.error(why + "; starting a new generation in " + delay + " s (failure " + this.failuresInARow
				+ " in a row); connections wait in the listen backlog meanwhile");
		this.listeners.fire((listener) -> listener.restartStarted(attempt));
		later(Duration.ofSeconds(delay), () -> {
			this.recoveryScheduled = false;
			if (!this.stopping) {
				launch(attempt, null);
			}
		});
	}

	private void failed(RestartAttempt attempt, RestartResult result, String message, ChildProcess child) {
		failed(attempt, result, message);
		List<String> indicators = child.notUp();
		if (attempt != null && !indicators.isEmpty()) {
			RestartAttempt ended = this.current;
			this.listeners.fire((listener) -> listener.unhealthy(ended, indicators));
		}
	}

	private void failed(RestartAttempt attempt, RestartResult result, String message) {
		if (attempt == null) {
			logger.error(message);
			return;
		}
		RestartAttempt ended = attempt.ended(result, this.clock.instant(), message);
		this.current = ended;
		this.history.add(ended);
		logger.error("Restart " + attempt.id() + " " + result + ": " + message
				+ ((this.serving != null && !this.stopping) ? "; " + this.serving + " keeps serving" : ""));
		if (this.serving != null) {
			this.serving.send(new Message.Attempt(ended));
		}
		this.listeners.fire((listener) -> listener.restartFailed(ended));
	}

	private void stopping(String signal) {
		if (this.stopping) {
			return;
		}
		this.stopping = true;
		logger.info("Supervisor received " + signal + ": stopping "
				+ ((this.serving != null) ? this.serving : "the generation that is starting"));
		this.listeners.fire(RestartListener::stopping);
		if (this.serving != null) {
			this.os.kill(this.serving.pid(), "SIGINT".equals(signal) ? 2 : SIGTERM);
		}
		if (this.next != null) {
			// A generation still starting never served: it goes at once (the restart
			// fails).
			ChildProcess starting = this.next;
			this.next = null;
			failed(this.current, RestartResult.FAILED, starting + " was stopped: the service is stopping");
			stopChild(starting);
		}
		checkAllEnded();
	}

	/**
	 * SIGTERM now, SIGKILL past the stop timeout if it is still there; its exit arrives
	 * as any other.
	 */
	private void stopChild(ChildProcess child) {
		this.os.kill(child.pid(), SIGTERM);
		later(this.settings.stopTimeout(), () -> {
			if (this.generations.containsValue(child)) {
				logger.warn(child + " did not stop within " + this.settings.stopTimeout() + " of SIGTERM; killing it");
				this.os.kill(child.pid(), SIGKILL);
			}
		});
	}

	private void checkAllEnded() {
		if (this.stopping && this.generations.isEmpty()) {
			ExitStatus last = (this.lastExit != null) ? this.lastExit : new ExitStatus(1, 0);
			int code = (last.signal() != 0) ? 128 + last.signal() : last.code();
			this.exitCode.complete((this.gaveUp && code == 0) ? 1 : code);
		}
	}

	/**
	 * The answer to a restart request.
	 */
	private record Answer(boolean accepted, RestartAttempt attempt, String reason) {

	}

}
