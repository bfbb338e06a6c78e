package io.github.gracefulrestart.process;

/**
 * How a child process ended, decoded from a {@code waitpid} status.
 *
 * @param code the exit code, or -1 when a signal ended it
 * @param signal the signal that ended it, or 0 when it exited
 */
public record ExitStatus(int code, int signal) {

	/**
	 * Decode a raw {@code waitpid(2)} status.
	 * @param status the raw status
	 * @return the exit status
	 */
	public static ExitStatus fromWaitStatus(int status) {
		int termSignal = status & 0x7f;
		return (termSignal == 0) ? new ExitStatus((status >> 8) & 0xff, 0) : new ExitStatus(-1, termSignal);
	}

	@Override
	public String toString() {
		return (this.signal != 0) ? "killed by signal " + this.signal : "exit code " + this.code;
	}

}
