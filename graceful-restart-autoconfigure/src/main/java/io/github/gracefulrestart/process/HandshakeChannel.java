package io.github.gracefulrestart.process;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One end of the Unix socket pair between two generations, or between the supervisor and a
 * generation. Messages are single lines of UTF-8 text. The new generation writes {@code READY}
 * once it serves; the old one answers {@code DRAINED} before it exits. End of stream means the
 * other process is gone, which is how the old generation learns that a child died before it
 * became ready.
 * <p>
 * With a supervisor, the channel lasts the generation's life: the generation sends
 * {@code RESTART <trigger>} and hears {@code ACCEPTED <attempt>} or
 * {@code REFUSED <attempt> <reason>}; the supervisor reports its attempts with
 * {@code ATTEMPT <attempt>}, tells the old generation {@code DRAIN <attempt>} (answered with
 * {@code DRAINED <ms>}) and the new one {@code DRAINED <ms> <history>} once the old one is gone.
 */
public final class HandshakeChannel implements AutoCloseable {

	/** Sent by the new generation when it is ready to serve alone. */
	public static final String READY = "READY";

	/** Sent by the old generation once it stopped accepting and its connections are done. */
	public static final String DRAINED = "DRAINED";

	/** Sent by a supervised generation to ask its supervisor for a restart. */
	public static final String RESTART = "RESTART";

	/** The supervisor's answer to {@link #RESTART}: the attempt it started. */
	public static final String ACCEPTED = "ACCEPTED";

	/** The supervisor's answer to {@link #RESTART}: the running attempt, and why not. */
	public static final String REFUSED = "REFUSED";

	/** Sent by the supervisor to the serving generation: the attempt it runs, as it stands. */
	public static final String ATTEMPT = "ATTEMPT";

	/** Sent by the supervisor to the old generation once the new one is ready. */
	public static final String DRAIN = "DRAIN";

	private final NativeOs os;

	private final int fd;

	private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

	private final byte[] buffer = new byte[4096];

	private int pendingStart;

	private boolean closed;

	/**
	 * Create a channel over {@code fd}.
	 * @param os the native calls
	 * @param fd one end of a stream socket pair
	 */
	public HandshakeChannel(NativeOs os, int fd) {
		this.os = os;
		this.fd = fd;
	}

	/**
	 * Return the descriptor of this end.
	 * @return the descriptor
	 */
	public int fd() {
		return this.fd;
	}

	/**
	 * Send one message.
	 * @param message the message, without line break
	 */
	public void send(String message) {
		this.os.write(this.fd, (message + "\n").getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Block until the next message arrives.
	 * @return the message, or {@code null} once the other end is closed
	 */
	public String receive() {
		while (true) {
			byte[] bytes = this.pending.toByteArray();
			for (int i = this.pendingStart; i < bytes.length; i++) {
				if (bytes[i] == '\n') {
					String line = new String(bytes, this.pendingStart, i - this.pendingStart, StandardCharsets.UTF_8);
					this.pendingStart = i + 1;
					return line;
				}
			}
			int count = this.os.read(this.fd, this.buffer);
			if (count == 0) {
				return null;
			}
			this.pending.write(this.buffer, 0, count);
		}
	}

	@Override
	public synchronized void close() {
		if (!this.closed) {
			this.closed = true;
			this.os.close(this.fd);
		}
	}

}
