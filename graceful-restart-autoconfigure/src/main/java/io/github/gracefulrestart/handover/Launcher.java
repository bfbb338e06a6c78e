package io.github.gracefulrestart.handover;

import java.util.List;

import io.github.gracefulrestart.process.ChildCommandLine;
import io.github.gracefulrestart.process.ClassDataArchive;
import io.github.gracefulrestart.process.NativeOs;

/**
 * Starts a generation: the listening sockets at descriptors 3, 4, ... in the order given, one end
 * of a new socket pair right after them (as {@link Handoff#childEnvironment} describes), and no
 * other descriptor. The serving generation and the supervisor both start theirs here.
 */
public final class Launcher {

	private final NativeOs os;

	/**
	 * Create a launcher.
	 * @param os the native calls
	 */
	public Launcher(NativeOs os) {
		this.os = os;
	}

	/**
	 * Start a generation. Its channel is not read yet: see {@link ChildProcess#listen}.
	 * @param number the generation's number
	 * @param command its command line
	 * @param environment its complete environment, from {@link Handoff#childEnvironment}
	 * @param sockets the descriptors of the listening sockets, in the order the environment
	 * describes them
	 * @param prepared the class-data archive it was started with, or null
	 * @return the started generation
	 */
	public ChildProcess launch(int number, ChildCommandLine command, List<String> environment, int[] sockets,
			ClassDataArchive.Prepared prepared) {
		int[] pair = this.os.socketPair();
		try {
			int[] fds = new int[sockets.length + 1];
			System.arraycopy(sockets, 0, fds, 0, sockets.length);
			fds[sockets.length] = pair[1];
			int pid = this.os.spawn(command.executable(), command.argv(), environment, fds);
			return new ChildProcess(this.os, number, pid, new HandoverChannel(this.os, pair[0]), prepared);
		}
		catch (RuntimeException ex) {
			this.os.close(pair[0]);
			throw ex;
		}
		finally {
			// The child has its own copy: ours must go, or we would never see end of stream.
			this.os.close(pair[1]);
		}
	}

}
