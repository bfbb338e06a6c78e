package io.github.gracefulrestart.systemd;

import java.util.concurrent.TimeUnit;

import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartListener;

/**
 * Keeps systemd's view of a {@code Type=notify} (or {@code notify-reload}) service right
 * across generations: {@code READY=1} when the first generation is ready; at a restart
 * {@code RELOADING=1} with {@code MONOTONIC_USEC}, then, once the new generation took
 * over, {@code MAINPID=} its pid and {@code READY=1}; {@code STOPPING=1} on shutdown; a
 * {@code STATUS=} line with each. The old generation sends the takeover while it is still
 * the main pid; the new one confirms it when the old is gone (needed when the old one
 * died), which takes {@code NotifyAccess=all}.
 */
public class SystemdNotifier implements RestartListener {

	private final SdNotify notify;

	/**
	 * Create a notifier.
	 * @param notify the notification socket
	 */
	public SystemdNotifier(SdNotify notify) {
		this.notify = notify;
	}

	@Override
	public void ready(int generation, boolean first) {
		if (first) {
			this.notify.notify("READY=1", "STATUS=Generation " + generation + " serving");
		}
	}

	@Override
	public void restartStarted(RestartAttempt attempt) {
		// systemd 253+ pairs RELOADING=1 with the CLOCK_MONOTONIC time, which nanoTime
		// reads on Linux.
		this.notify.notify("RELOADING=1", "MONOTONIC_USEC=" + TimeUnit.NANOSECONDS.toMicros(System.nanoTime()),
				"STATUS=Restarting (" + attempt.trigger() + ")");
	}

	@Override
	public void handedOver(RestartAttempt attempt) {
		this.notify.notify("MAINPID=" + attempt.newPid(), "READY=1",
				"STATUS=Generation of pid " + attempt.newPid() + " serving; pid " + attempt.oldPid() + " draining");
	}

	@Override
	public void servingAlone(int generation) {
		this.notify.notify("MAINPID=" + ProcessHandle.current().pid(), "READY=1",
				"STATUS=Generation " + generation + " serving");
	}

	@Override
	public void restartFailed(RestartAttempt attempt) {
		this.notify.notify("READY=1", "STATUS=Restart " + attempt.result() + ": " + attempt.message());
	}

	@Override
	public void stopping() {
		this.notify.notify("STOPPING=1", "STATUS=Stopping");
	}

}
