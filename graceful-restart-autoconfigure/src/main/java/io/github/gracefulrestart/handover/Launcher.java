package io.github.gracefulrestart.handover;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.gracefulrestart.process.BootPriority;
import io.github.gracefulrestart.process.ChildCommandLine;
import io.github.gracefulrestart.process.NativeOs;

/**
 * Starts a generation: the listening sockets at descriptors 3, 4, ... in the order given,
 * one end of a new socket pair right after them (as {@link Handoff#childEnvironment}
 * describes), and no other descriptor; at the boot priority when one is set. The serving
 * generation and the supervisor both start theirs here.
 */
public final class Launcher {

	private final NativeOs os;

	private final BootPriority priority;

	private final int bootNice;

	/**
	 * Create a launcher.
	 * @param os the native calls
	 * @param priority the priority of this process, or null when the generation is not to
	 * boot lowered
	 * @param bootNice the nice value to boot at
	 */
	public Launcher(NativeOs os, BootPriority priority, int bootNice) {
		this.os = os;
		this.priority = priority;
		this.bootNice = bootNice;
	}

	/**
	 * Start a generation. Its channel is not read yet: see {@link ChildProcess#listen}.
	 * @param number the generation's number
	 * @param command its command line
	 * @param environment its complete environment, from {@link Handoff#childEnvironment}
	 * @param sockets the descriptors of the listening sockets, in the order the
	 * environment describes them
	 * @return the started generation
	 */
	public ChildProcess launch(int number, ChildCommandLine command, List<String> environment, int[] sockets) {
		Optional<ChildCommandLine> lowered = (this.priority != null)
				? this.priority.startingLowered(command, this.bootNice) : Optional.empty();
		if (lowered.isPresent()) {
			command = lowered.get();
			environment = new ArrayList<>(environment);
			environment.add(Handoff.NORMAL_NICE + "=" + this.priority.normal());
		}
		int[] pair = this.os.socketPair();
		try {
			int[] fds = new int[sockets.length + 1];
			System.arraycopy(sockets, 0, fds, 0, sockets.length);
			fds[sockets.length] = pair[1];
			int pid = this.os.spawn(command.executable(), command.argv(), environment, fds);
			ChildProcess child = new ChildProcess(this.os, number, pid, new HandoverChannel(this.os, pair[0]));
			if (lowered.isPresent()) {
				child.bootsAt(this.bootNice);
			}
			return child;
		}
		catch (RuntimeException ex) {
			this.os.close(pair[0]);
			throw ex;
		}
		finally {
			// The child has its own copy: ours must go, or we would never see end of
			// stream.
			this.os.close(pair[1]);
		}
	}

}
