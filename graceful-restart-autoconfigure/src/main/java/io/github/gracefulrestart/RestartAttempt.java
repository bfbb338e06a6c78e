package io.github.gracefulrestart;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One restart, as it stands.
 *
 * @param id the restart's id
 * @param trigger what started it ({@code SIGHUP}, {@code ENDPOINT}, ...)
 * @param result how it ended, or {@link RestartResult#IN_PROGRESS}
 * @param startedAt when it was triggered
 * @param durationMs trigger to the old generation no longer accepting, or to the failure;
 * null while in progress
 * @param oldPid the pid of the generation that triggered it
 * @param newPid the pid of the new generation, once started
 * @param message what happened, in words
 */
public record RestartAttempt(String id, String trigger, RestartResult result, Instant startedAt, Long durationMs,
		int oldPid, Integer newPid, String message) {

	/**
	 * Return this attempt with the pid of the new generation.
	 * @param pid the new generation's pid
	 * @return the attempt
	 */
	public RestartAttempt withNewPid(int pid) {
		return new RestartAttempt(this.id, this.trigger, this.result, this.startedAt, this.durationMs, this.oldPid, pid,
				this.message);
	}

	/**
	 * Return this attempt as it ended.
	 * @param result how it ended
	 * @param now when
	 * @param message what happened, in words
	 * @return the attempt
	 */
	public RestartAttempt ended(RestartResult result, Instant now, String message) {
		long duration = Math.max(1, now.toEpochMilli() - this.startedAt.toEpochMilli());
		return new RestartAttempt(this.id, this.trigger, result, this.startedAt, duration, this.oldPid, this.newPid,
				message);
	}

	/**
	 * Encode attempts on one line of text, for the handshake between generations:
	 * attempts are comma-separated, their fields semicolon-separated and URL-encoded,
	 * {@code -} for null.
	 * @param attempts the attempts
	 * @return the line
	 */
	public static String encode(List<RestartAttempt> attempts) {
		List<String> encoded = new ArrayList<>();
		for (RestartAttempt attempt : attempts) {
			encoded.add(String.join(";", field(attempt.id), field(attempt.trigger), field(attempt.result),
					field(attempt.startedAt), field(attempt.durationMs), field(attempt.oldPid), field(attempt.newPid),
					field(attempt.message)));
		}
		return encoded.isEmpty() ? "-" : String.join(",", encoded);
	}

	/**
	 * Decode what {@link #encode(List)} wrote.
	 * @param line the line
	 * @return the attempts
	 * @throws IllegalArgumentException when the line is malformed
	 */
	public static List<RestartAttempt> decode(String line) {
		List<RestartAttempt> attempts = new ArrayList<>();
		if ("-".equals(line)) {
			return attempts;
		}
		for (String encoded : line.split(",")) {
			String[] fields = encoded.split(";", -1);
			if (fields.length != 8) {
				throw new IllegalArgumentException("Malformed restart attempt '" + encoded + "'");
			}
			String[] values = new String[8];
			for (int i = 0; i < 8; i++) {
				values[i] = "-".equals(fields[i]) ? null : URLDecoder.decode(fields[i], StandardCharsets.UTF_8);
			}
			attempts.add(new RestartAttempt(values[0], values[1], RestartResult.valueOf(values[2]),
					Instant.parse(values[3]), (values[4] != null) ? Long.valueOf(values[4]) : null,
					Integer.parseInt(values[5]), (values[6] != null) ? Integer.valueOf(values[6]) : null, values[7]));
		}
		return attempts;
	}

	private static String field(Object value) {
		return (value != null) ? URLEncoder.encode(value.toString(), StandardCharsets.UTF_8) : "-";
	}

}
