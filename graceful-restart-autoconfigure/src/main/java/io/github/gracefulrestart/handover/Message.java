package io.github.gracefulrestart.handover;

import java.util.List;

import io.github.gracefulrestart.RestartAttempt;

/**
 * One line on the channel between two generations, or between the supervisor and a
 * generation.
 * <p>
 * Between two generations: the new one sends {@link Ready} once it serves; the old one
 * says {@link WorkStopped} once its background work has stopped (the new one starts its
 * own then) and answers {@link Drained} (with the history) before it exits. Before it is
 * ready, the new one may say why it is not yet ({@link NotReady}: an unhealthy readiness
 * group, a failed warm-up); a generation of an older version skips that line. With a
 * supervisor the channel lasts the generation's life: the generation sends
 * {@link Restart} and hears {@link Accepted} or {@link Refused}; the supervisor reports
 * its attempts with {@link Attempt}, tells the old generation {@link Drain} (answered
 * with {@link WorkStopped}, which it passes on to the new one, and {@link Drained}) and
 * the new one {@link Drained} once the old one is gone. The text form is the wire format;
 * generations of different versions of this library must keep understanding each other.
 */
public sealed interface Message {

	/**
	 * Return this message as one line of text, without line break.
	 * @return the line
	 */
	String encode();

	/**
	 * Parse one line.
	 * @param line the line, without line break
	 * @return the message
	 * @throws IllegalArgumentException when the line is no message of this protocol
	 */
	static Message parse(String line) {
		Message message;
		try {
			message = decode(line, line.split(" ", 3));
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("Malformed handover message '" + line + "'", ex);
		}
		if (message == null) {
			throw new IllegalArgumentException("Unknown handover message '" + line + "'");
		}
		return message;
	}

	private static Message decode(String line, String[] parts) {
		return switch (parts[0]) {
			case "READY" -> new Ready();
			case "WORKSTOPPED" -> new WorkStopped();
			case "QUEUED" -> new Queued(line.substring("QUEUED ".length()));
			case "DRAINED" -> new Drained(Long.parseLong(parts[1].trim()),
					(parts.length > 2) ? RestartAttempt.decode(parts[2]) : List.of());
			case "RESTART" -> new Restart(line.substring("RESTART ".length()));
			case "ACCEPTED" -> new Accepted(first(parts[1]));
			case "REFUSED" -> new Refused(first(parts[1]), (parts.length > 2) ? parts[2] : "");
			case "ATTEMPT" -> new Attempt(first(parts[1]));
			case "DRAIN" -> new Drain(first(parts[1]));
			case "NOTREADY" -> new NotReady("-".equals(parts[1]) ? List.of() : List.of(parts[1].split(",")),
					(parts.length > 2) ? parts[2] : "");
			default -> null;
		};
	}

	private static RestartAttempt first(String encoded) {
		List<RestartAttempt> attempts = RestartAttempt.decode(encoded);
		return attempts.isEmpty() ? null : attempts.get(0);
	}

	private static String one(RestartAttempt attempt) {
		return RestartAttempt.encode((attempt != null) ? List.of(attempt) : List.of());
	}

	/** The new generation serves: the old one may stop accepting. */
	record Ready() implements Message {

		@Override
		public String encode() {
			return "READY";
		}

	}

	/**
	 * The old generation stopped its background work as it handed over, before its drain:
	 * the new one starts its own. A generation of an older version never sends it; the
	 * new one then starts its work once it hears {@link Drained} or the channel ends.
	 */
	record WorkStopped() implements Message {

		@Override
		public String encode() {
			return "WORKSTOPPED";
		}

	}

	/**
	 * A restart was asked of the old generation while it restarted or drained: the new
	 * one runs it once the old one is gone, so that it starts from the jar and
	 * configuration on disk then. Sent before {@link Drained}; a generation of an older
	 * version skips it.
	 *
	 * @param trigger what asked, such as {@code SIGHUP}
	 */
	record Queued(String trigger) implements Message {

		@Override
		public String encode() {
			return "QUEUED " + this.trigger;
		}

	}

	/**
	 * The old generation drained (sent to the supervisor or to the new generation, which
	 * also hears the history of restarts).
	 *
	 * @param drainMs how long the drain took
	 * @param history the last restarts, newest first (empty when sent to a supervisor)
	 */
	record Drained(long drainMs, List<RestartAttempt> history) implements Message {

		@Override
		public String encode() {
			return "DRAINED " + this.drainMs
					+ (this.history.isEmpty() ? "" : " " + RestartAttempt.encode(this.history));
		}

	}

	/**
	 * A supervised generation asks its supervisor for a restart.
	 *
	 * @param trigger what asked, such as {@code SIGHUP}
	 */
	record Restart(String trigger) implements Message {

		@Override
		public String encode() {
			return "RESTART " + this.trigger;
		}

	}

	/**
	 * The supervisor started the restart a generation asked for.
	 *
	 * @param attempt the started attempt
	 */
	record Accepted(RestartAttempt attempt) implements Message {

		@Override
		public String encode() {
			return "ACCEPTED " + one(this.attempt);
		}

	}

	/**
	 * The supervisor did not start the restart a generation asked for.
	 *
	 * @param attempt the running attempt, or null
	 * @param reason why not
	 */
	record Refused(RestartAttempt attempt, String reason) implements Message {

		/**
		 * How the reason starts when the restart was queued instead, to run once the
		 * running one is over.
		 */
		public static final String QUEUED = "queued: ";

		@Override
		public String encode() {
			return "REFUSED " + one(this.attempt) + " " + this.reason;
		}

	}

	/**
	 * The supervisor's attempt as it stands, told to the serving generation.
	 *
	 * @param attempt the attempt
	 */
	record Attempt(RestartAttempt attempt) implements Message {

		@Override
		public String encode() {
			return "ATTEMPT " + one(this.attempt);
		}

	}

	/**
	 * The supervisor tells the old generation that the new one serves: stop accepting and
	 * drain.
	 *
	 * @param attempt the succeeded attempt
	 */
	record Drain(RestartAttempt attempt) implements Message {

		@Override
		public String encode() {
			return "DRAIN " + one(this.attempt);
		}

	}

	/**
	 * Why the new generation is not ready yet (or will not be): sent before
	 * {@link Ready}, as often as the reason changes; the last one names the failure when
	 * it never becomes ready.
	 *
	 * @param indicators the health indicators that are not up, if that is the reason
	 * (names without spaces or commas, as Spring Boot's health contributors have)
	 * @param reason the reason, in words, on one line
	 */
	record NotReady(List<String> indicators, String reason) implements Message {

		/**
		 * Create the message, with the reason on one line.
		 * @param indicators the health indicators that are not up
		 * @param reason the reason, in words
		 */
		public NotReady {
			indicators = indicators.stream().map((name) -> name.replaceAll("[\\s,]", "_")).toList();
			reason = reason.replaceAll("[\\r\\n]+", " ");
		}

		@Override
		public String encode() {
			return "NOTREADY " + (this.indicators.isEmpty() ? "-" : String.join(",", this.indicators)) + " "
					+ this.reason;
		}

	}

}
