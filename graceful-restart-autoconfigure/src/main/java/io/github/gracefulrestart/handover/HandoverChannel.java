package io.github.gracefulrestart.handover;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import io.github.gracefulrestart.process.NativeOs;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One end of the Unix socket pair between two generations, or between the supervisor and
 * a generation: {@link Message messages}, one line of UTF-8 text each. End of stream
 * means the other process is gone (its descriptors close when it exits, before anyone
 * reaps it), which is how the old generation learns that a child died before it became
 * ready, and a child that its predecessor has ended.
 * <p>
 * One thread reads; it is also the one that closes, once it saw end of stream (see
 * {@link ChildProcess}): a descriptor closed under a thread blocked in {@code read(2)}
 * could be handed to another file. Sends after {@link #close()} are refused.
 */
public final class HandoverChannel implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(HandoverChannel.class);

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
	public HandoverChannel(NativeOs os, int fd) {
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
	 * @param message the message
	 * @throws IllegalStateException when the channel is closed, or the write failed (the
	 * other end is gone)
	 */
	public synchronized void send(Message message) {
		if (this.closed) {
			throw new IllegalStateException("the channel is closed");
		}
		this.os.write(this.fd, (message.encode() + "\n").getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Send one message, if the other end is still there.
	 * @param message the message
	 * @return whether it was written
	 */
	public boolean trySend(Message message) {
		try {
			send(message);
			return true;
		}
		catch (RuntimeException ex) {
			logger.debug("Could not send " + message.encode() + ": " + ex.getMessage());
			return false;
		}
	}

	/**
	 * Block until the next message arrives. A line that is no message is logged and
	 * skipped.
	 * @return the message, or {@code null} once the other end is closed
	 */
	public Message receive() {
		while (true) {
			String line = receiveLine();
			if (line == null) {
				return null;
			}
			try {
				return Message.parse(line);
			}
			catch (IllegalArgumentException ex) {
				logger.warn("Ignoring what the other end of the handover channel said: " + ex.getMessage());
			}
		}
	}

	private String receiveLine() {
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
			if (count <= 0) {
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
