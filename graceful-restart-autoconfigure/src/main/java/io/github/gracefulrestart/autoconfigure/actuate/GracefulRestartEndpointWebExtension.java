package io.github.gracefulrestart.autoconfigure.actuate;

import io.github.gracefulrestart.autoconfigure.actuate.GracefulRestartEndpoint.RestartDescriptor;

import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} of the
 * {@link GracefulRestartEndpoint}: a restart request answers 202 Accepted with the new
 * attempt, or 409 Conflict with the one that runs (or why none can start).
 */
@EndpointWebExtension(endpoint = GracefulRestartEndpoint.class)
public class GracefulRestartEndpointWebExtension {

	private final GracefulRestartEndpoint endpoint;

	/**
	 * Create the extension.
	 * @param endpoint the endpoint
	 */
	public GracefulRestartEndpointWebExtension(GracefulRestartEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	/**
	 * Start a restart.
	 * @return the response, 202 (started or queued) or 409
	 */
	@WriteOperation
	public WebEndpointResponse<RestartDescriptor> restart() {
		RestartDescriptor response = this.endpoint.restart();
		return new WebEndpointResponse<>(response, (response.accepted() || response.queued()) ? 202 : 409);
	}

}
