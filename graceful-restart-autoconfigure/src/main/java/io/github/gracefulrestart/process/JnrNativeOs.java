package io.github.gracefulrestart.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * {@link NativeOs} on Linux through jnr-posix, plus a jnr-ffi binding of the
 * {@code posix_spawn} calls jnr-posix lacks ({@link SpawnLibrary}).
 */
public final class JnrNativeOs implements NativeOs {

	private static final int AF_UNIX = 1;

	private static final int SOCK_STREAM = 1;

	private static final int EINTR = 4;

	private static final int ECHILD = 10;

	private final POSIX posix;

	private final SpawnLibrary libc;

	private final Runtime runtime;

	private JnrNativeOs(POSIX posix, SpawnLibrary libc) {
		this.posix = posix;
		this.libc = libc;
		this.runtime = Runtime.getRuntime(libc);
	}

	/**
	 * Load the native libraries.
	 * @return the native OS
	 * @throws UnsupportedOperationException when this platform has no native POSIX
	 * support
	 */
	public static JnrNativeOs load() {
		if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
			throw new UnsupportedOperationException(
					"graceful restarts need Linux, this is " + System.getProperty("os.name"));
		}
		try {
			POSIX posix = POSIXFactory.getNativePOSIX();
			SpawnLibrary libc = LibraryLoader.create(SpawnLibrary.class).load("c");
			return new JnrNativeOs(posix, libc);
		}
		catch (Throwable ex) {
			throw new UnsupportedOperationException("native POSIX support could not be loaded: " + ex, ex);
		}
	}

	@Override
	public int pid() {
		return this.posix.getpid();
	}

	@Override
	public int spawn(String executable, List<String> argv, List<String> environment, int[] fds) {
		int firstFree = 3 + fds.length;
		int[] copies = new int[fds.length];
		Pointer actions = Memory.allocateDirect(this.runtime, SpawnLibrary.OPAQUE_SIZE);
		Pointer attributes = Memory.allocateDirect(this.runtime, SpawnLibrary.OPAQUE_SIZE);
		Pointer signals = Memory.allocateDirect(this.runtime, SpawnLibrary.OPAQUE_SIZE);
		check(this.libc.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
		check(this.libc.posix_spawnattr_init(attributes), "posix_spawnattr_init");
		try {
			// Copy every source above the target range first, so that placing one
			// descriptor at 3 + i can never overwrite a source still to be placed.
			for (int i = 0; i < fds.length; i++) {
				copies[i] = checkFd(this.libc.fcntl(fds[i], SpawnLibrary.F_DUPFD_CLOEXEC, firstFree),
						"fcntl(F_DUPFD_CLOEXEC)");
				check(this.libc.posix_spawn_file_actions_adddup2(actions, copies[i], 3 + i), "adddup2");
			}
			closeOthers(actions, firstFree);
			this.libc.sigemptyset(signals);
			check(this.libc.posix_spawnattr_setsigmask(attributes, signals), "posix_spawnattr_setsigmask");
			// A JVM started under nohup ignores SIGHUP, and ignored signals survive exec:
			// reset all.
			this.libc.sigfillset(signals);
			check(this.libc.posix_spawnattr_setsigdefault(attributes, signals), "posix_spawnattr_setsigdefault");
			check(this.libc.posix_spawnattr_setflags(attributes,
					(short) (SpawnLibrary.POSIX_SPAWN_SETSIGMASK | SpawnLibrary.POSIX_SPAWN_SETSIGDEF)),
					"posix_spawnattr_setflags");
			IntByReference pid = new IntByReference();
			int result = this.libc.posix_spawn(pid, executable, actions, attributes, argv.toArray(new CharSequence[0]),
					environment.toArray(new CharSequence[0]));
			if (result != 0) {
				throw new IllegalStateException(
						"posix_spawn of " + executable + " failed: " + this.posix.strerror(result));
			}
			return pid.intValue();
		}
		finally {
			for (int copy : copies) {
				if (copy > 0) {
					close(copy);
				}
			}
			this.libc.posix_spawn_file_actions_destroy(actions);
			this.libc.posix_spawnattr_destroy(attributes);
		}
	}

	@Override
	public void exec(String executable, List<String> argv, List<String> environment, int[] keep) {
		markAllCloseOnExec();
		for (int fd : keep) {
			this.libc.fcntl(fd, SpawnLibrary.F_SETFD, 0);
		}
		Pointer signals = Memory.allocateDirect(this.runtime, SpawnLibrary.OPAQUE_SIZE);
		this.libc.sigemptyset(signals);
		Pointer previous = Memory.allocateDirect(this.runtime, SpawnLibrary.OPAQUE_SIZE);
		this.libc.pthread_sigmask(SpawnLibrary.SIG_SETMASK, signals, previous);
		this.libc.execve(executable, argv.toArray(new CharSequence[0]), environment.toArray(new CharSequence[0]));
		int errno = jnr.ffi.LastError.getLastError(this.runtime);
		this.libc.pthread_sigmask(SpawnLibrary.SIG_SETMASK, previous, null);
		throw new IllegalStateException("execve of " + executable + " failed: " + this.posix.strerror(errno));
	}

	private void closeOthers(Pointer actions, int firstFree) {
		try {
			check(this.libc.posix_spawn_file_actions_addclosefrom_np(actions, firstFree), "addclosefrom_np");
		}
		catch (UnsatisfiedLinkError ex) {
			// glibc before 2.34: mark every descriptor close-on-exec instead. A
			// descriptor another thread opens between this sweep and the spawn can still
			// leak.
			markAllCloseOnExec();
		}
	}

	private void markAllCloseOnExec() {
		try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
			for (Path fd : fds) {
				int number = Integer.parseInt(fd.getFileName().toString());
				if (number > 2) {
					this.libc.fcntl(number, SpawnLibrary.F_SETFD, SpawnLibrary.FD_CLOEXEC);
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot list /proc/self/fd", ex);
		}
	}

	@Override
	public boolean setNice(int tid, int nice) {
		return this.posix.setpriority(0, tid, nice) == 0;
	}

	@Override
	public List<Integer> threads(int pid) {
		try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
			return tasks.map((task) -> Integer.valueOf(task.getFileName().toString())).toList();
		}
		catch (IOException | RuntimeException ex) {
			return List.of();
		}
	}

	@Override
	public int cpus() {
		return java.lang.Runtime.getRuntime().availableProcessors();
	}

	@Override
	public Scheduling scheduling(int pid) {
		long running = 0;
		long waiting = 0;
		for (int tid : threads(pid)) {
			try {
				String[] fields = Files
					.readString(Path.of("/proc", String.valueOf(pid), "task", String.valueOf(tid), "schedstat"))
					.trim()
					.split(" ");
				running += Long.parseLong(fields[0]);
				waiting += Long.parseLong(fields[1]);
			}
			catch (IOException | RuntimeException ex) {
				// A thread that has just ended.
			}
		}
		return new Scheduling(java.time.Duration.ofNanos(running), java.time.Duration.ofNanos(waiting));
	}

	@Override
	public int[] socketPair() {
		int[] pair = new int[2];
		checkFd(this.posix.socketpair(AF_UNIX, SOCK_STREAM, 0, pair), "socketpair");
		return pair;
	}

	@Override
	public int read(int fd, byte[] buffer) {
		while (true) {
			int count = this.posix.read(fd, buffer, buffer.length);
			if (count >= 0) {
				return count;
			}
			int errno = this.posix.errno();
			if (errno != EINTR) {
				throw new IllegalStateException("read(" + fd + ") failed: " + this.posix.strerror(errno));
			}
		}
	}

	@Override
	public void write(int fd, byte[] data) {
		int offset = 0;
		while (offset < data.length) {
			byte[] rest = (offset == 0) ? data : java.util.Arrays.copyOfRange(data, offset, data.length);
			int count = this.posix.write(fd, rest, rest.length);
			if (count < 0) {
				int errno = this.posix.errno();
				if (errno == EINTR) {
					continue;
				}
				throw new IllegalStateException("write(" + fd + ") failed: " + this.posix.strerror(errno));
			}
			offset += count;
		}
	}

	@Override
	public void dup2(int fd, int newFd) {
		checkFd(this.posix.dup2(fd, newFd), "dup2(" + fd + ", " + newFd + ")");
	}

	@Override
	public void close(int fd) {
		this.posix.close(fd);
	}

	@Override
	public boolean kill(int pid, int signal) {
		return this.posix.kill(pid, signal) == 0;
	}

	@Override
	public ExitStatus waitFor(int pid) {
		int[] status = new int[1];
		while (true) {
			int result = this.posix.waitpid(pid, status, 0);
			if (result == pid) {
				return ExitStatus.fromWaitStatus(status[0]);
			}
			int errno = this.posix.errno();
			if (result < 0 && errno != EINTR) {
				throw new IllegalStateException("waitpid(" + pid + ") failed: " + this.posix.strerror(errno));
			}
		}
	}

	@Override
	public Optional<Reaped> waitAny() {
		int[] status = new int[1];
		while (true) {
			int pid = this.posix.waitpid(-1, status, 0);
			if (pid > 0) {
				return Optional.of(new Reaped(pid, ExitStatus.fromWaitStatus(status[0])));
			}
			int errno = this.posix.errno();
			if (errno == ECHILD) {
				return Optional.empty();
			}
			if (errno != EINTR) {
				throw new IllegalStateException("waitpid(-1) failed: " + this.posix.strerror(errno));
			}
		}
	}

	@Override
	public void unsetenv(String name) {
		this.posix.unsetenv(name);
	}

	private void check(int result, String call) {
		if (result != 0) {
			throw new IllegalStateException(call + " failed: " + this.posix.strerror(result));
		}
	}

	private int checkFd(int result, String call) {
		if (result < 0) {
			throw new IllegalStateException(call + " failed: " + this.posix.strerror(this.posix.errno()));
		}
		return result;
	}

	@Override
	public Map<String, String> environment() {
		return System.getenv();
	}

	@Override
	public void halt(int status) {
		java.lang.Runtime.getRuntime().halt(status);
	}

}
