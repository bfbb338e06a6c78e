package io.github.gracefulrestart.autoconfigure.actuate;

import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.handover.RestartCoordinator;
import io.github.gracefulrestart.handover.RestartRequest;
import io.github.gracefulrestart.handover.RestartStatus;
import io.github.gracefulrestart.RestartState;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@link Endpoint @Endpoint} to see the restart state and to start a restart. Read-only unless
 * access is raised: restarting needs {@code management.endpoint.gracefulrestart.access=unrestricted}.
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
	public RestartStatus status() {
		return this.coordinator.status();
	}

	/**
	 * Start a restart. Answers at once: 202 with the new attempt, or 409 with the running one.
	 * @return the response
	 */
	@WriteOperation
	public WebEndpointResponse<RestartResponse> restart() {
		RestartRequest request = this.coordinator.requestRestart("ENDPOINT");
		RestartAttempt attempt = request.attempt();
		RestartResponse response = new RestartResponse((attempt != null) ? attempt.id() : null,
				this.coordinator.state(), attempt, request.accepted() ? "restart started" : request.reason());
		return new WebEndpointResponse<>(response, request.accepted() ? 202 : 409);
	}

	/**
	 * The answer to a restart request: the started attempt, or the one that runs.
	 *
	 * @param id the attempt's id, null when none runs
	 * @param state what this generation is doing now
	 * @param attempt the attempt
	 * @param message why no restart was started, or that one was
	 */
	public record RestartResponse(String id, RestartState state, RestartAttempt attempt, String message) {

	}

}
