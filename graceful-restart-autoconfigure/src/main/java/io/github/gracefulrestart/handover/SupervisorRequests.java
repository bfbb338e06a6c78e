package io.github.gracefulrestart.handover;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.gracefulrestart.RestartAttempt;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A supervised generation's restart requests: each goes to the supervisor as
 * {@code RESTART}, and waits (at most {@value #ANSWER_SECONDS} seconds) for its
 * {@code ACCEPTED} or {@code REFUSED}, which the channel's reading thread hands in. One
 * request at a time.
 */
final class SupervisorRequests {

	private static final Log logger = LogFactory.getLog(SupervisorRequests.class);

	private static final long ANSWER_SECONDS = 10;

	private final Handoff handoff;

	private CompletableFuture<RestartRequest> pending;

	SupervisorRequests(Handoff handoff) {
		this.handoff = handoff;
	}

	/**
	 * Ask the supervisor for a restart.
	 * @param trigger what asks
	 * @param current the attempt this generation knows of, for a refusal made here
	 * @return the supervisor's answer, or a refusal when it did not answer
	 */
	RestartRequest ask(String trigger, RestartAttempt current) {
		int supervisor = this.handoff.supervisorPid().orElseThrow();
		CompletableFuture<RestartRequest> answer = new CompletableFuture<>();
		synchronized (this) {
			if (this.pending != null) {
				return new RestartRequest(false, current, "a restart request is already on its way to the supervisor");
			}
			this.pending = answer;
		}
		try {
			this.handoff.channel().orElseThrow().send(new Message.Restart(trigger));
			RestartRequest request = answer.get(ANSWER_SECONDS, TimeUnit.SECONDS);
			boolean queued = !request.accepted() && request.reason() != null
					&& request.reason().startsWith(Message.Refused.QUEUED);
			logger.info("Restart requested by " + trigger
					+ (request.accepted() ? " handed to" : queued ? " queued by" : " refused by")
					+ " the supervisor (pid " + supervisor + ")" + (request.accepted() ? "" : ": " + request.reason()));
			return new RestartRequest(request.accepted(), request.attempt(), request.reason(), queued);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new RestartRequest(false, current, "interrupted while asking the supervisor");
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			logger.warn("The supervisor (pid " + supervisor + ") did not answer the restart request within "
					+ Duration.ofSeconds(ANSWER_SECONDS) + ": " + ex);
			return new RestartRequest(false, current, "the supervisor (pid " + supervisor + ") did not answer");
		}
		finally {
			synchronized (this) {
				this.pending = null;
			}
		}
	}

	/**
	 * Hand in the supervisor's answer to the request under way, if any.
	 * @param answer the answer
	 */
	void answered(RestartRequest answer) {
		CompletableFuture<RestartRequest> waiting;
		synchronized (this) {
			waiting = this.pending;
		}
		if (waiting != null) {
			waiting.complete(answer);
		}
	}

}
