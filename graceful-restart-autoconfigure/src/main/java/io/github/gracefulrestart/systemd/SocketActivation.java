package io.github.gracefulrestart.systemd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.gracefulrestart.process.NativeOs;
import io.github.gracefulrestart.socket.ChannelAdopter;
import io.github.gracefulrestart.socket.InheritedListener;
import io.github.gracefulrestart.socket.InheritedListeners;
import io.github.gracefulrestart.socket.ListeningSocket;
import io.github.gracefulrestart.socket.ProcSocketTable;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Listening sockets passed by systemd socket activation, as sd_listen_fds(3) describes:
 * when {@code LISTEN_PID} is this process, {@code LISTEN_FDS} sockets sit at descriptors
 * 3, 4, ..., named by {@code LISTEN_FDNAMES} (colon-separated). The variables are removed
 * once read, so that no subprocess takes the sockets for its own.
 * <p>
 * A socket named like a listener ({@code server}, {@code management}:
 * {@code FileDescriptorName=} in the socket unit) serves that listener; an unnamed one
 * serves the listener configured with its port; a lone unnamed socket serves
 * {@code server}. The first generation was started by systemd, without
 * {@value ChannelAdopter#ADD_OPENS}: without it, the one socket it can serve is moved to
 * standard input and taken through {@link System#inheritedChannel()}.
 */
public final class SocketActivation {

	/** The pid the sockets are meant for. */
	public static final String LISTEN_PID = "LISTEN_PID";

	/** How many sockets were passed. */
	public static final String LISTEN_FDS = "LISTEN_FDS";

	/** Their names. */
	public static final String LISTEN_FDNAMES = "LISTEN_FDNAMES";

	private static final int SD_LISTEN_FDS_START = 3;

	private static final Log logger = LogFactory.getLog(SocketActivation.class);

	private SocketActivation() {
	}

	/**
	 * Read the activated sockets, if any are meant for this process.
	 * @param environment the environment
	 * @param os the native calls
	 * @param sockets this process's listening sockets
	 * @return the sockets, empty when this process was not socket-activated
	 */
	public static Optional<InheritedListeners> fromEnvironment(Map<String, String> environment, NativeOs os,
			ProcSocketTable sockets) {
		Optional<List<InheritedListener>> activated = activatedSockets(environment, os, sockets);
		if (activated.isEmpty()) {
			return Optional.empty();
		}
		List<InheritedListener> listeners = activated.get();
		if (ChannelAdopter.canAdopt()) {
			return Optional.of(new InheritedListeners(listeners));
		}
		if (listeners.size() > 1) {
			throw new IllegalStateException("Socket activation passed " + listeners.size()
					+ " sockets; serving more than one needs the JVM option " + ChannelAdopter.ADD_OPENS);
		}
		return Optional.of(new InheritedListeners(listeners,
				(listener) -> ChannelAdopter.adoptAsStandardInput(listener.fd(), os::dup2, os::close)));
	}

	/**
	 * Read the activated sockets, if any are meant for this process, without adopting
	 * them.
	 * @param environment the environment
	 * @param os the native calls
	 * @param sockets this process's listening sockets
	 * @return the sockets, empty when this process was not socket-activated
	 */
	public static Optional<List<InheritedListener>> activatedSockets(Map<String, String> environment, NativeOs os,
			ProcSocketTable sockets) {
		String pid = environment.get(LISTEN_PID);
		String count = environment.get(LISTEN_FDS);
		if (pid == null || count == null || !pid.equals(String.valueOf(os.pid()))) {
			return Optional.empty();
		}
		os.unsetenv(LISTEN_PID);
		os.unsetenv(LISTEN_FDS);
		os.unsetenv(LISTEN_FDNAMES);
		String[] names = environment.getOrDefault(LISTEN_FDNAMES, "").split(":");
		int fds = Integer.parseInt(count);
		List<InheritedListener> listeners = new ArrayList<>();
		for (int i = 0; i < fds; i++) {
			int fd = SD_LISTEN_FDS_START + i;
			Optional<ListeningSocket> socket = sockets.findByFd(fd);
			if (socket.isEmpty()) {
				logger.warn("Socket-activated fd " + fd + " is not a listening TCP socket; ignoring it");
				continue;
			}
			String name = (i < names.length && !names[i].isEmpty() && !"unknown".equals(names[i])
					&& !"LISTEN".equals(names[i])) ? names[i] : (fds == 1) ? "server" : "";
			listeners.add(new InheritedListener(name, fd, socket.get().inet6(), socket.get().address(), true));
			logger.info("Socket activation passed " + socket.get().address() + " (fd " + fd + ")"
					+ (name.isEmpty() ? "" : " for listener '" + name + "'"));
		}
		return Optional.of(listeners);
	}

}
