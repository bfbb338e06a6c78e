package io.github.gracefulrestart.handover;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.github.gracefulrestart.handover.HandoverChannel;
import io.github.gracefulrestart.process.NativeOs;
import io.github.gracefulrestart.socket.InheritedListener;
import io.github.gracefulrestart.socket.InheritedListeners;
import io.github.gracefulrestart.socket.ListeningSocket;
import io.github.gracefulrestart.socket.ProcSocketTable;
import io.github.gracefulrestart.systemd.SocketActivation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * What a generation received from the one before it, and the environment contract between
 * them. The old generation describes the listening sockets it hands over (at descriptors
 * 3, 4, ...) and the handshake socket in {@value #LISTENERS}, {@value #CHANNEL},
 * {@value #GENERATION} and {@value #PARENT_PID}. The new generation reads them once,
 * checks that each descriptor really is a listening socket at the described address (an
 * application's own subprocess that copied the environment has no such descriptors and
 * ignores them), and removes them from its native environment.
 */
public final class Handoff {

	/**
	 * The handed-over listeners: {@code name;fd;4|6;host;port}, comma-separated; a sixth
	 * field {@code activated} marks a socket that systemd socket activation passed to the
	 * first generation, which every generation matches by name whatever its configured
	 * address.
	 */
	public static final String LISTENERS = "GRACEFUL_RESTART_LISTENERS";

	/** The descriptor of the handshake socket. */
	public static final String CHANNEL = "GRACEFUL_RESTART_CHANNEL";

	/** The number of the new generation. */
	public static final String GENERATION = "GRACEFUL_RESTART_GENERATION";

	/**
	 * The pid of the generation this one takes over from, absent for a first generation.
	 */
	public static final String PARENT_PID = "GRACEFUL_RESTART_PARENT_PID";

	/**
	 * The pid of the supervisor that started this generation, absent without a
	 * supervisor.
	 */
	public static final String SUPERVISOR_PID = "GRACEFUL_RESTART_SUPERVISOR_PID";

	/**
	 * The nice value a generation takes back once ready, present when the generation
	 * before it started it at a lowered one ({@code graceful-restart.boot-nice}).
	 */
	public static final String NORMAL_NICE = "GRACEFUL_RESTART_NORMAL_NICE";

	/**
	 * The shortest time, in milliseconds, a generation before this one took from its
	 * JVM's start to ready: the next one, booting lowered, steps its priority up once it
	 * took as long.
	 */
	public static final String BOOT_MS = "GRACEFUL_RESTART_BOOT_MS";

	/**
	 * A path of each of the routes the serving generation's clients used most, separated
	 * by spaces: the next generation warms them up. Not {@code ..._WARMUP_PATHS}: Spring
	 * Boot binds environment variables to properties, and that one would be taken for
	 * {@code graceful-restart.warmup.paths}.
	 */
	public static final String WARMUP_PATHS = "GRACEFUL_RESTART_HANDED_PATHS";

	/**
	 * The arguments of {@code ManagementAgent.start} for the JMX remote agent that the
	 * user's JVM options open on a port: a generation starts without those options (its
	 * predecessor holds the port) and starts the agent once its predecessor is gone.
	 */
	public static final String JMX_AGENT = "GRACEFUL_RESTART_JMX_AGENT";

	private static final List<String> VARIABLES = List.of(LISTENERS, CHANNEL, GENERATION, PARENT_PID, SUPERVISOR_PID,
			NORMAL_NICE, BOOT_MS, WARMUP_PATHS, JMX_AGENT);

	private static final Log logger = LogFactory.getLog(Handoff.class);

	/**
	 * Return the names of the environment variables a generation hands the next one.
	 * @return the names
	 */
	public static List<String> variables() {
		return VARIABLES;
	}

	private final int generation;

	private final Integer parentPid;

	private final Integer supervisorPid;

	private final HandoverChannel channel;

	private final InheritedListeners listeners;

	private Handoff(int generation, Integer parentPid, Integer supervisorPid, HandoverChannel channel,
			InheritedListeners listeners) {
		this.generation = generation;
		this.parentPid = parentPid;
		this.supervisorPid = supervisorPid;
		this.channel = channel;
		this.listeners = listeners;
	}

	/**
	 * Return the handoff of a first generation: nothing inherited.
	 * @return the handoff
	 */
	public static Handoff none() {
		return new Handoff(1, null, null, null, InheritedListeners.none());
	}

	/**
	 * Return the handoff of a generation that inherited no listener: for tests of the
	 * handover without sockets.
	 * @param generation the generation
	 * @param parentPid the previous generation's pid, or null
	 * @param supervisorPid the supervisor's pid, or null
	 * @param channel the channel to the previous generation or the supervisor
	 * @return the handoff
	 */
	static Handoff of(int generation, Integer parentPid, Integer supervisorPid, HandoverChannel channel) {
		return new Handoff(generation, parentPid, supervisorPid, channel, InheritedListeners.none());
	}

	/**
	 * Read the handoff from the environment and remove its variables from the native one.
	 * @param environment this process's environment
	 * @param os the native calls
	 * @param sockets this process's listening sockets
	 * @return the handoff, {@link #none()} when this process was not started by a restart
	 */
	public static Handoff fromEnvironment(Map<String, String> environment, NativeOs os, ProcSocketTable sockets) {
		String described = environment.get(LISTENERS);
		if (described == null) {
			return SocketActivation.fromEnvironment(environment, os, sockets)
				.map((activated) -> new Handoff(1, null, null, null, activated))
				.orElseGet(Handoff::none);
		}
		VARIABLES.forEach(os::unsetenv);
		List<InheritedListener> listeners = new ArrayList<>();
		for (InheritedListener listener : parseListeners(described)) {
			Optional<ListeningSocket> socket = sockets.findByFd(listener.fd());
			if (socket.isPresent() && socket.get().address().equals(listener.address())) {
				listeners.add(listener);
			}
			else {
				logger.warn("Ignoring inherited listener '" + listener.name() + "': fd " + listener.fd()
						+ " is not a listening socket at " + listener.address() + " in this process");
			}
		}
		if (listeners.isEmpty()) {
			return none();
		}
		int channelFd = Integer.parseInt(environment.get(CHANNEL));
		return new Handoff(Integer.parseInt(environment.get(GENERATION)), pid(environment, PARENT_PID),
				pid(environment, SUPERVISOR_PID), new HandoverChannel(os, channelFd),
				new InheritedListeners(listeners));
	}

	private static Integer pid(Map<String, String> environment, String name) {
		String pid = environment.get(name);
		return (pid != null) ? Integer.valueOf(pid) : null;
	}

	/**
	 * Build the environment of the next generation: this one's, without the variables of
	 * an earlier handoff, plus the description of {@code sockets} (placed at 3, 4, ... in
	 * that order) and of the handshake socket (placed right after them).
	 * @param environment this process's environment
	 * @param listeners the names of the handed-over listeners, in the order of
	 * {@code sockets}
	 * @param activated the names of those that socket activation passed
	 * @param sockets the handed-over sockets
	 * @param generation the number of the next generation
	 * @param parentPid the generation the next one takes over from, null for none
	 * @param supervisorPid the supervisor's pid, null without a supervisor
	 * @return the environment, as {@code NAME=value} entries
	 */
	public static List<String> childEnvironment(Map<String, String> environment, List<String> listeners,
			List<String> activated, List<ListeningSocket> sockets, int generation, Integer parentPid,
			Integer supervisorPid) {
		Map<String, String> child = new TreeMap<>(environment);
		VARIABLES.forEach(child::remove);
		// Socket activation was for the first generation only; its sockets travel as ours
		// now.
		List.of(SocketActivation.LISTEN_PID, SocketActivation.LISTEN_FDS, SocketActivation.LISTEN_FDNAMES)
			.forEach(child::remove);
		List<String> described = new ArrayList<>();
		for (int i = 0; i < sockets.size(); i++) {
			ListeningSocket socket = sockets.get(i);
			String entry = String.join(";", listeners.get(i), String.valueOf(3 + i), socket.inet6() ? "6" : "4",
					socket.address().getAddress().getHostAddress(), String.valueOf(socket.address().getPort()));
			described.add(activated.contains(listeners.get(i)) ? entry + ";activated" : entry);
		}
		child.put(LISTENERS, String.join(",", described));
		child.put(CHANNEL, String.valueOf(3 + sockets.size()));
		child.put(GENERATION, String.valueOf(generation));
		if (parentPid != null) {
			child.put(PARENT_PID, String.valueOf(parentPid));
		}
		if (supervisorPid != null) {
			child.put(SUPERVISOR_PID, String.valueOf(supervisorPid));
		}
		List<String> entries = new ArrayList<>();
		child.forEach((name, value) -> entries.add(name + "=" + value));
		return entries;
	}

	static List<InheritedListener> parseListeners(String described) {
		List<InheritedListener> listeners = new ArrayList<>();
		for (String entry : described.split(",")) {
			String[] parts = entry.split(";");
			if (parts.length != 5 && !(parts.length == 6 && "activated".equals(parts[5]))) {
				throw new IllegalArgumentException("Malformed " + LISTENERS + " entry '" + entry + "'");
			}
			try {
				InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(parts[3]),
						Integer.parseInt(parts[4]));
				listeners.add(new InheritedListener(parts[0], Integer.parseInt(parts[1]), "6".equals(parts[2]), address,
						parts.length == 6));
			}
			catch (UnknownHostException ex) {
				throw new IllegalArgumentException("Malformed " + LISTENERS + " entry '" + entry + "'", ex);
			}
		}
		return listeners;
	}

	/**
	 * Return the number of this generation, 1 for a process not started by a restart.
	 * @return the generation
	 */
	public int generation() {
		return this.generation;
	}

	/**
	 * Return the pid of the generation that started this one.
	 * @return the pid, empty for a first generation
	 */
	public Optional<Integer> parentPid() {
		return Optional.ofNullable(this.parentPid);
	}

	/**
	 * Return the pid of the supervisor that started this generation.
	 * @return the pid, empty when this generation runs without a supervisor
	 */
	public Optional<Integer> supervisorPid() {
		return Optional.ofNullable(this.supervisorPid);
	}

	/**
	 * Return the handshake socket to the previous generation, or to the supervisor.
	 * @return the channel, empty for a first generation
	 */
	public Optional<HandoverChannel> channel() {
		return Optional.ofNullable(this.channel);
	}

	/**
	 * Return the inherited listening sockets.
	 * @return the listeners
	 */
	public InheritedListeners listeners() {
		return this.listeners;
	}

}
