package io.github.gracefulrestart.handover;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartState;
import io.github.gracefulrestart.Warmup;

/**
 * What a generation is doing.
 *
 * @param state the state
 * @param generation the generation
 * @param pid this process
 * @param parentPid the previous generation while it is still there (serving while this
 * one starts, then draining), else null
 * @param mode {@code SUPERVISED} when a supervisor started this generation, else
 * {@code STANDALONE}
 * @param supervisorPid the supervisor's pid, or null
 * @param server the kind of web server, such as {@code tomcat}
 * @param startedAt when this generation started
 * @param listeners the listening sockets
 * @param connections while this generation drains, its open connections by kind
 * ({@code http}, {@code websocket}, {@code event-stream}), else null
 * @param warmup what the warm-up before this generation took over did, or null
 * @param lastRestart the last or running restart, or null
 * @param queued what asked for the restart that is queued to run once the running one (or
 * a drain) is over, such as {@code SIGHUP}, or null
 * @param history the last restarts, newest first, across generations
 */
public record RestartStatus(RestartState state, int generation, int pid, Integer parentPid, String mode,
		Integer supervisorPid, String server, Instant startedAt, List<ListenerStatus> listeners,
		Map<String, Integer> connections, Warmup.Result warmup, RestartAttempt lastRestart, String queued,
		List<RestartAttempt> history) {

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
