package io.github.gracefulrestart.autoconfigure.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartResult;
import io.github.gracefulrestart.RestartState;
import io.github.gracefulrestart.Warmup;
import io.github.gracefulrestart.handover.RestartCoordinator;
import io.github.gracefulrestart.handover.RestartRequest;
import io.github.gracefulrestart.handover.RestartStatus;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@link Endpoint @Endpoint} to see the restart state and to start a restart. Read-only
 * unless access is raised: restarting needs
 * {@code management.endpoint.gracefulrestart.access=unrestricted}. Over HTTP,
 * {@link GracefulRestartEndpointWebExtension} answers a restart with its status code. The
 * responses are written by Actuator's own JSON mapper: absent values are left out, times
 * and durations are ISO-8601 strings.
 */
@Endpoint(id = "gracefulrestart", defaultAccess = Access.READ_ONLY)
public class GracefulRestartEndpoint {

	private final RestartCoordinator coordinator;

	/**
	 * Create the endpoint.
	 * @param coordinator the restart coordinator
	 */
	public GracefulRestartEndpoint(RestartCoordinator coordinator) {
		this.coordinator = coordinator;
	}

	/**
	 * Return the restart state of this generation.
	 * @return the status
	 */
	@ReadOperation
	public StatusDescriptor status() {
		return StatusDescriptor.of(this.coordinator.status());
	}

	/**
	 * Start a restart. Answers at once, with the new attempt or the one that runs.
	 * @return the response
	 */
	@WriteOperation
	public RestartDescriptor restart() {
		RestartRequest request = this.coordinator.requestRestart("ENDPOINT");
		RestartAttempt attempt = request.attempt();
		return new RestartDescriptor(request.accepted(), request.queued(), (attempt != null) ? attempt.id() : null,
				this.coordinator.state(), AttemptDescriptor.of(attempt),
				request.accepted() ? "restart started" : request.reason());
	}

	/**
	 * The answer to a restart request: the started attempt, or the one that runs.
	 *
	 * @param accepted whether a restart was started
	 * @param queued whether it was not started now but runs once the one that runs is
	 * over
	 * @param id the attempt's id, absent when none runs
	 * @param state what this generation is doing now
	 * @param attempt the attempt
	 * @param message why no restart was started, or that one was
	 */
	public record RestartDescriptor(boolean accepted, boolean queued, String id, RestartState state,
			AttemptDescriptor attempt, String message) implements OperationResponseBody {

	}

	/**
	 * What a generation is doing: {@link RestartStatus}, as the endpoint shows it.
	 *
	 * @param state the state
	 * @param generation the generation
	 * @param pid this process
	 * @param parentPid the previous generation while it is still there
	 * @param mode {@code SUPERVISED} or {@code STANDALONE}
	 * @param supervisorPid the supervisor's pid
	 * @param server the kind of web server
	 * @param startedAt when this generation started
	 * @param listeners the listening sockets
	 * @param connections while this generation drains, its open connections by kind
	 * @param warmup what the warm-up before this generation took over did
	 * @param lastRestart the last or running restart
	 * @param queued what asked for the restart queued to run next, or null
	 * @param history the last restarts, newest first, across generations
	 */
	public record StatusDescriptor(RestartState state, int generation, int pid, Integer parentPid, String mode,
			Integer supervisorPid, String server, Instant startedAt, List<RestartStatus.ListenerStatus> listeners,
			Map<String, Integer> connections, WarmupDescriptor warmup, AttemptDescriptor lastRestart, String queued,
			List<AttemptDescriptor> history) implements OperationResponseBody {

		static StatusDescriptor of(RestartStatus status) {
			return new StatusDescriptor(status.state(), status.generation(), status.pid(), status.parentPid(),
					status.mode(), status.supervisorPid(), status.server(), status.startedAt(), status.listeners(),
					status.connections(), WarmupDescriptor.of(status.warmup()),
					AttemptDescriptor.of(status.lastRestart()), status.queued(),
					status.history().stream().map(AttemptDescriptor::of).toList());
		}

	}

	/**
	 * One restart: {@link RestartAttempt}, as the endpoint shows it.
	 *
	 * @param id the restart's id
	 * @param trigger what started it
	 * @param result how it ended, or {@code IN_PROGRESS}
	 * @param startedAt when it was triggered
	 * @param duration trigger to the old generation no longer accepting, or to the
	 * failure
	 * @param oldPid the generation that triggered it
	 * @param newPid the new generation, once started
	 * @param message what happened, in words
	 */
	public record AttemptDescriptor(String id, String trigger, RestartResult result, Instant startedAt,
			Duration duration, int oldPid, Integer newPid, String message) {

		static AttemptDescriptor of(RestartAttempt attempt) {
			if (attempt == null) {
				return null;
			}
			return new AttemptDescriptor(attempt.id(), attempt.trigger(), attempt.result(), attempt.startedAt(),
					(attempt.durationMs() != null) ? Duration.ofMillis(attempt.durationMs()) : null, attempt.oldPid(),
					attempt.newPid(), attempt.message());
		}

	}

	/**
	 * What a warm-up did: {@link Warmup.Result}, as the endpoint shows it.
	 *
	 * @param requests the requests sent
	 * @param errors those that failed or answered 5xx
	 * @param hooks the hooks that completed
	 * @param duration how long it took
	 * @param settled whether it ended early because response times had stopped improving
	 * @param failure why it failed the restart
	 */
	public record WarmupDescriptor(int requests, int errors, int hooks, Duration duration, boolean settled,
			String failure) {

		static WarmupDescriptor of(Warmup.Result result) {
			return (result != null) ? new WarmupDescriptor(result.requests(), result.errors(), result.hooks(),
					Duration.ofMillis(result.durationMs()), result.settled(), result.failure()) : null;
		}

	}

}
