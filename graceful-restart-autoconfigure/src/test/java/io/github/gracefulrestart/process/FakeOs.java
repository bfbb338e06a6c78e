package io.github.gracefulrestart.process;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link NativeOs} without processes, for the rules of the handover: spawned children
 * are {@link FakeChild fakes} the test drives (report ready, say anything, exit, ignore
 * SIGTERM), the socket pairs are in-memory pipes whose end of stream comes when every
 * holder of the other end closed it or exited, as the kernel's do.
 */
public final class FakeOs implements NativeOs {

	private final List<String> niceValues = new java.util.concurrent.CopyOnWriteArrayList<>();

	private final Map<Integer, Long> looks = new ConcurrentHashMap<>();

	private volatile Scheduling perLook;

	private static final byte[] EOF = new byte[0];

	private final int pid;

	private final AtomicInteger nextFd = new AtomicInteger(100);

	private final AtomicInteger nextPid = new AtomicInteger(5000);

	private final Map<Integer, End> ends = new ConcurrentHashMap<>();

	private final Map<Integer, FakeChild> children = new ConcurrentHashMap<>();

	/** Processes that are not children of this one (a parent, a supervisor) and live. */
	private final java.util.Set<Integer> others = ConcurrentHashMap.newKeySet();

	private final BlockingQueue<FakeChild> spawned = new LinkedBlockingQueue<>();

	private final BlockingQueue<Reaped> exited = new LinkedBlockingQueue<>();

	private final AtomicInteger unreaped = new AtomicInteger();

	private final Map<String, String> environment = new ConcurrentHashMap<>();

	private final CompletableFuture<Integer> halted = new CompletableFuture<>();

	private volatile boolean failSpawn;

	private volatile boolean failWait;

	/**
	 * Create a fake OS whose own process has {@code pid}.
	 * @param pid the pid
	 */
	public FakeOs(int pid) {
		this.pid = pid;
	}

	/**
	 * Make every later spawn fail.
	 */
	public void failSpawns() {
		this.failSpawn = true;
	}

	/**
	 * Make every later {@code waitFor} fail, as when reaping goes wrong.
	 */
	public void failWaits() {
		this.failWait = true;
	}

	/**
	 * Wait for the next child this OS starts.
	 * @return the child
	 */
	/**
	 * A process that is not a child of this one (a parent, a supervisor) lives from now
	 * on.
	 * @param pid its pid
	 */
	public void alive(int pid) {
		this.others.add(pid);
	}

	/**
	 * A process that is not a child of this one is gone.
	 * @param pid its pid
	 */
	public void dead(int pid) {
		this.others.remove(pid);
	}

	public FakeChild awaitSpawn() {
		try {
			FakeChild child = this.spawned.poll(30, TimeUnit.SECONDS);
			if (child == null) {
				throw new AssertionError("no child was started within 30 s");
			}
			return child;
		}
		catch (InterruptedException ex) {
			throw new AssertionError(ex);
		}
	}

	/**
	 * Return whether a child was started and not yet taken with {@link #awaitSpawn()}.
	 * @param wait how long to wait for one
	 * @return the child, or empty
	 */
	public Optional<FakeChild> nextSpawn(Duration wait) {
		try {
			return Optional.ofNullable(this.spawned.poll(wait.toMillis(), TimeUnit.MILLISECONDS));
		}
		catch (InterruptedException ex) {
			throw new AssertionError(ex);
		}
	}

	/**
	 * Return the status this process halted with.
	 * @return completes on {@link #halt(int)}
	 */
	public CompletableFuture<Integer> halted() {
		return this.halted;
	}

	/**
	 * Create a channel end that this process holds, connected to an end that a test
	 * drives as the other process (the previous generation, or the supervisor).
	 * @return the pair: this process's descriptor and the other process's side
	 */
	public Peer peer() {
		int[] pair = socketPair();
		return new Peer(pair[0], new Side(this.ends.remove(pair[1])));
	}

	@Override
	public int pid() {
		return this.pid;
	}

	@Override
	public int spawn(String executable, List<String> argv, List<String> environment, int[] fds) {
		if (this.failSpawn) {
			throw new IllegalStateException("posix_spawn failed: fake");
		}
		int child = this.nextPid.getAndIncrement();
		End channel = this.ends.get(fds[fds.length - 1]);
		channel.hold();
		Map<String, String> variables = new HashMap<>();
		for (String entry : environment) {
			int equals = entry.indexOf('=');
			variables.put(entry.substring(0, equals), entry.substring(equals + 1));
		}
		FakeChild fake = new FakeChild(child, executable, List.copyOf(argv), variables, new Side(channel));
		this.children.put(child, fake);
		this.unreaped.incrementAndGet();
		this.spawned.add(fake);
		return child;
	}

	@Override
	public void exec(String executable, List<String> argv, List<String> environment, int[] keep) {
		throw new IllegalStateException("exec is not faked");
	}

	@Override
	public boolean setNice(int tid, int nice) {
		this.niceValues.add(tid + "=" + nice);
		return true;
	}

	@Override
	public List<Integer> threads(int pid) {
		return List.of(pid);
	}

	/** Two, as on the project's machines. */
	@Override
	public int cpus() {
		return 2;
	}

	@Override
	public Scheduling scheduling(int pid) {
		Scheduling per = this.perLook;
		if (per == null) {
			return Scheduling.NONE;
		}
		// Each look finds the process has run and waited that much more.
		long looks = this.looks.merge(pid, 1L, Long::sum);
		return new Scheduling(per.running().multipliedBy(looks), per.waiting().multipliedBy(looks));
	}

	/**
	 * Let every process run and wait for a CPU that long between two looks at it.
	 * @param running the time it runs
	 * @param waiting the time it waits
	 */
	public void schedulingPerLook(Duration running, Duration waiting) {
		this.perLook = new Scheduling(running, waiting);
	}

	/**
	 * Return every nice value set, as {@code tid=nice}, in order.
	 * @return the values set
	 */
	public List<String> niceValues() {
		return List.copyOf(this.niceValues);
	}

	@Override
	public int[] socketPair() {
		End a = new End();
		End b = new End();
		a.peer = b;
		b.peer = a;
		int fdA = this.nextFd.getAndIncrement();
		int fdB = this.nextFd.getAndIncrement();
		this.ends.put(fdA, a);
		this.ends.put(fdB, b);
		return new int[] { fdA, fdB };
	}

	@Override
	public int read(int fd, byte[] buffer) {
		End end = this.ends.get(fd);
		if (end == null) {
			throw new IllegalStateException("read(" + fd + ") failed: Bad file descriptor");
		}
		return end.read(buffer);
	}

	@Override
	public void write(int fd, byte[] data) {
		End end = this.ends.get(fd);
		if (end == null) {
			throw new IllegalStateException("write(" + fd + ") failed: Bad file descriptor");
		}
		end.write(data);
	}

	@Override
	public void dup2(int fd, int newFd) {
	}

	@Override
	public void close(int fd) {
		End end = this.ends.remove(fd);
		if (end != null) {
			end.release();
		}
	}

	@Override
	public boolean kill(int pid, int signal) {
		FakeChild child = this.children.get(pid);
		if (child == null) {
			return signal == 0 && this.others.contains(pid);
		}
		if (signal == 0) {
			return !child.ended();
		}
		child.signalled(signal);
		return true;
	}

	@Override
	public ExitStatus waitFor(int pid) {
		FakeChild child = this.children.get(pid);
		if (this.failWait || child == null) {
			throw new IllegalStateException("waitpid(" + pid + ") failed: No child processes");
		}
		ExitStatus status = child.status.join();
		this.children.remove(pid);
		this.unreaped.decrementAndGet();
		return status;
	}

	@Override
	public Optional<Reaped> waitAny() {
		if (this.unreaped.get() == 0 && this.exited.isEmpty()) {
			return Optional.empty();
		}
		try {
			Reaped reaped = this.exited.take();
			this.children.remove(reaped.pid());
			this.unreaped.decrementAndGet();
			return Optional.of(reaped);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
	}

	@Override
	public void unsetenv(String name) {
		this.environment.remove(name);
	}

	@Override
	public Map<String, String> environment() {
		return Map.copyOf(this.environment);
	}

	/**
	 * Set a variable of this process's environment.
	 * @param name the name
	 * @param value the value
	 */
	public void setenv(String name, String value) {
		this.environment.put(name, value);
	}

	@Override
	public void halt(int status) {
		this.halted.complete(status);
	}

	/**
	 * One end of a fake socket pair, held by one or more processes.
	 */
	private static final class End {

		private final LinkedBlockingDeque<byte[]> inbox = new LinkedBlockingDeque<>();

		private End peer;

		private int holders = 1;

		synchronized void hold() {
			this.holders++;
		}

		void release() {
			boolean last;
			synchronized (this) {
				last = this.holders > 0 && --this.holders == 0;
			}
			if (last) {
				this.peer.inbox.add(EOF);
			}
		}

		synchronized boolean open() {
			return this.holders > 0;
		}

		void write(byte[] data) {
			if (!this.peer.open()) {
				throw new IllegalStateException("write failed: Broken pipe");
			}
			this.peer.inbox.add(data.clone());
		}

		int read(byte[] buffer) {
			try {
				byte[] data = this.inbox.take();
				if (data.length == 0) {
					this.inbox.addFirst(EOF);
					return 0;
				}
				int count = Math.min(buffer.length, data.length);
				System.arraycopy(data, 0, buffer, 0, count);
				if (count < data.length) {
					byte[] rest = new byte[data.length - count];
					System.arraycopy(data, count, rest, 0, rest.length);
					this.inbox.addFirst(rest);
				}
				return count;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("read interrupted");
			}
		}

	}

	/**
	 * The other process's side of a channel: what a test says and hears as that process.
	 */
	public static final class Side {

		private final End end;

		private final StringBuilder pending = new StringBuilder();

		private boolean closed;

		Side(End end) {
			this.end = end;
		}

		/**
		 * Write one line.
		 * @param line the line, without line break
		 */
		public void say(String line) {
			this.end.write((line + "\n").getBytes(StandardCharsets.UTF_8));
		}

		/**
		 * Wait for the next line.
		 * @param wait how long at most
		 * @return the line, or null at end of stream or when none came in time
		 */
		public synchronized String hear(Duration wait) {
			long deadline = System.nanoTime() + wait.toNanos();
			while (true) {
				int newline = this.pending.indexOf("\n");
				if (newline >= 0) {
					String line = this.pending.substring(0, newline);
					this.pending.delete(0, newline + 1);
					return line;
				}
				try {
					byte[] data = this.end.inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
					if (data == null) {
						return null;
					}
					if (data.length == 0) {
						this.end.inbox.addFirst(EOF);
						return null;
					}
					this.pending.append(new String(data, StandardCharsets.UTF_8));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return null;
				}
			}
		}

		/**
		 * Close this side, as a process closing its descriptor or exiting does.
		 */
		public synchronized void close() {
			if (!this.closed) {
				this.closed = true;
				this.end.release();
			}
		}

	}

	/**
	 * A descriptor of this process connected to a side the test drives.
	 *
	 * @param fd this process's descriptor
	 * @param other the other process's side
	 */
	public record Peer(int fd, Side other) {

	}

	/**
	 * A child process the test drives.
	 */
	public final class FakeChild {

		private final int pid;

		private final String executable;

		private final List<String> argv;

		private final Map<String, String> environment;

		private final Side channel;

		private final CompletableFuture<ExitStatus> status = new CompletableFuture<>();

		private final List<Integer> signals = new CopyOnWriteArrayList<>();

		private volatile boolean ignoreSigterm;

		FakeChild(int pid, String executable, List<String> argv, Map<String, String> environment, Side channel) {
			this.pid = pid;
			this.executable = executable;
			this.argv = argv;
			this.environment = environment;
			this.channel = channel;
		}

		public int pid() {
			return this.pid;
		}

		public String executable() {
			return this.executable;
		}

		public List<String> argv() {
			return this.argv;
		}

		public Map<String, String> environment() {
			return this.environment;
		}

		/** The signals it received, in order. */
		public List<Integer> signals() {
			return new ArrayList<>(this.signals);
		}

		/** Keep running on SIGTERM, as a hung JVM may. */
		public void ignoreSigterm() {
			this.ignoreSigterm = true;
		}

		/** Say {@code READY} on its channel. */
		public void ready() {
			say("READY");
		}

		/**
		 * Write one line on its channel.
		 * @param line the line
		 */
		public void say(String line) {
			this.channel.say(line);
		}

		/**
		 * Wait for the next line on its channel.
		 * @return the line, or null at end of stream or after 30 s
		 */
		public String hear() {
			return this.channel.hear(Duration.ofSeconds(30));
		}

		/**
		 * Wait for the next line on its channel.
		 * @param wait how long at most
		 * @return the line, or null at end of stream or when none came in time
		 */
		public String hear(Duration wait) {
			return this.channel.hear(wait);
		}

		/** Close its channel while it keeps running. */
		public void closeChannel() {
			this.channel.close();
		}

		/**
		 * Exit with {@code code}.
		 * @param code the exit code
		 */
		public void exit(int code) {
			end(new ExitStatus(code, 0));
		}

		/** Whether it ended. */
		public boolean ended() {
			return this.status.isDone();
		}

		void signalled(int signal) {
			this.signals.add(signal);
			if (signal == 9 || (signal == 15 && !this.ignoreSigterm) || signal == 2) {
				end(new ExitStatus(-1, signal));
			}
		}

		/**
		 * End, as killed by {@code signal} from outside (a {@code kill -9} by an
		 * operator).
		 * @param signal the signal
		 */
		public void killedBy(int signal) {
			this.signals.add(signal);
			end(new ExitStatus(-1, signal));
		}

		private void end(ExitStatus exit) {
			synchronized (this) {
				if (this.status.isDone()) {
					return;
				}
				this.channel.close();
				this.status.complete(exit);
			}
			FakeOs.this.exited.add(new Reaped(this.pid, exit));
		}

		@Override
		public String toString() {
			return "fake child " + this.pid;
		}

	}

}
