package io.github.gracefulrestart.process;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operating-system calls the restart machinery makes, behind one seam: pids, spawning
 * with inherited file descriptors, socket pairs, raw reads and writes, signals and
 * reaping. The real implementation is {@link JnrNativeOs}; nothing else in the machinery
 * touches native code.
 *
 * @see JnrNativeOs
 */
public interface NativeOs {

	/**
	 * Return the pid of this process.
	 * @return the pid
	 */
	int pid();

	/**
	 * Start {@code executable} with {@code argv} and {@code environment} ("NAME=value"
	 * entries). The child gets standard input, output and error of this process, then
	 * {@code fds[i]} at number {@code 3 + i}, and no other descriptor; every signal
	 * disposition is reset to its default and no signal is blocked.
	 * @param executable the absolute path of the program
	 * @param argv the arguments, the program name first
	 * @param environment the complete environment of the child
	 * @param fds the descriptors of this process to hand over, in order
	 * @return the pid of the child
	 */
	int spawn(String executable, List<String> argv, List<String> environment, int[] fds);

	/**
	 * Replace the program of this process ({@code execve}); the pid stays. Standard
	 * input, output and error and the descriptors in {@code keep} stay open, every other
	 * descriptor is closed, and no signal is blocked. Returns only on failure.
	 * @param executable the absolute path of the program
	 * @param argv the arguments, the program name first
	 * @param environment the complete environment
	 * @param keep the descriptors the new program keeps
	 * @throws IllegalStateException when the program could not be started
	 */
	void exec(String executable, List<String> argv, List<String> environment, int[] keep);

	/**
	 * Set the nice value of one thread ({@code setpriority(PRIO_PROCESS, tid, nice)}; on
	 * Linux the nice value is per thread, and a new thread starts with its creator's).
	 * @param tid the thread, as in {@code /proc/self/task}
	 * @param nice the value, -20 to 19
	 * @return whether it was set (raising a thread's priority takes CAP_SYS_NICE or
	 * RLIMIT_NICE)
	 */
	boolean setNice(int tid, int nice);

	/**
	 * Return the threads of a process ({@code /proc/PID/task}).
	 * @param pid the process
	 * @return its thread ids, empty when it is gone
	 */
	List<Integer> threads(int pid);

	/**
	 * Return how long the threads of a process have run on a CPU and waited for one,
	 * together ({@code /proc/PID/task/TID/schedstat}).
	 * @param pid the process
	 * @return the times, zero when it is gone
	 */
	Scheduling scheduling(int pid);

	/**
	 * Return how many CPUs this process may run on (its affinity, its cgroup's quota).
	 * @return the number of CPUs
	 */
	int cpus();

	/**
	 * How long the threads of a process ran and waited, runnable, for a CPU.
	 *
	 * @param running the time on a CPU
	 * @param waiting the time runnable but not running
	 */
	record Scheduling(Duration running, Duration waiting) {

		/** No time at all. */
		public static final Scheduling NONE = new Scheduling(Duration.ZERO, Duration.ZERO);

		/**
		 * Whether, since {@code before}, {@code elapsed} ago, the process was starved: it
		 * waited for a CPU longer than it ran (it wanted more than twice what it got),
		 * and it ran less than a quarter of the machine's {@code cpus} the while. A JVM
		 * that boots alone has more runnable threads (compilers, collectors) than the
		 * machine has CPUs, and waits longer than it runs, while it gets the whole
		 * machine.
		 * @param before the times then
		 * @param elapsed the time since then
		 * @param cpus the CPUs this process and the other may run on
		 * @return whether it was starved
		 */
		public boolean starvedSince(Scheduling before, Duration elapsed, int cpus) {
			Duration ran = this.running.minus(before.running);
			return this.waiting.minus(before.waiting).compareTo(ran) > 0
					&& ran.multipliedBy(4).compareTo(elapsed.multipliedBy(cpus)) < 0;
		}

	}

	/**
	 * Create a connected pair of Unix stream sockets.
	 * @return the two descriptors
	 */
	int[] socketPair();

	/**
	 * Read at most {@code buffer.length} bytes, blocking until some are available.
	 * @param fd the descriptor
	 * @param buffer where to put them
	 * @return the number of bytes read, 0 at end of stream
	 */
	int read(int fd, byte[] buffer);

	/**
	 * Write all of {@code data}.
	 * @param fd the descriptor
	 * @param data the bytes
	 */
	void write(int fd, byte[] data);

	/**
	 * Make {@code newFd} a copy of {@code fd}, closing what {@code newFd} was.
	 * @param fd the descriptor to copy
	 * @param newFd the number the copy gets
	 */
	void dup2(int fd, int newFd);

	/**
	 * Close a descriptor, ignoring errors.
	 * @param fd the descriptor
	 */
	void close(int fd);

	/**
	 * Send a signal.
	 * @param pid the process
	 * @param signal the signal number
	 * @return whether it was delivered
	 */
	boolean kill(int pid, int signal);

	/**
	 * Wait for a child of this process to end, and reap it.
	 * @param pid the child
	 * @return how it ended
	 */
	ExitStatus waitFor(int pid);

	/**
	 * Wait for any child of this process to end, and reap it: a generation, or an orphan
	 * the kernel gave to this process because it is PID 1 of its namespace.
	 * @return the child that ended, or empty when this process has no child at all
	 */
	Optional<Reaped> waitAny();

	/**
	 * Remove a variable from this process's native environment, the one subprocesses
	 * started without an explicit environment inherit.
	 * @param name the variable
	 */
	void unsetenv(String name);

	/**
	 * Return this process's environment, the one a next generation starts from.
	 * @return the variables
	 */
	Map<String, String> environment();

	/**
	 * End this process at once, running no shutdown hook ({@code Runtime.halt}).
	 * @param status the exit status
	 */
	void halt(int status);

	/**
	 * A child that ended.
	 *
	 * @param pid the child
	 * @param status how it ended
	 */
	record Reaped(int pid, ExitStatus status) {

	}

}
