package io.github.gracefulrestart.process;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;

/**
 * The libc functions for {@code posix_spawn} that jnr-posix does not expose: closing
 * every other descriptor atomically ({@code posix_spawn_file_actions_addclosefrom_np},
 * glibc 2.34+) and resetting the signal mask and dispositions (jnr-posix's
 * {@code SpawnAttribute.sigmask()} and {@code sigdef()} throw "not yet supported"). Bound
 * through jnr-ffi, which jnr-posix is built on.
 */
public interface SpawnLibrary {

	/** glibc's {@code POSIX_SPAWN_SETSIGDEF}. */
	short POSIX_SPAWN_SETSIGDEF = 0x04;

	/** glibc's {@code POSIX_SPAWN_SETSIGMASK}. */
	short POSIX_SPAWN_SETSIGMASK = 0x08;

	/** Linux's {@code F_DUPFD_CLOEXEC}. */
	int F_DUPFD_CLOEXEC = 1030;

	/** Linux's {@code F_SETFD}. */
	int F_SETFD = 2;

	int SIG_SETMASK = 2;

	/** {@code FD_CLOEXEC}. */
	int FD_CLOEXEC = 1;

	/**
	 * Bytes reserved for {@code posix_spawn_file_actions_t}, {@code posix_spawnattr_t}
	 * and {@code sigset_t}; glibc uses 80, 336 and 128 on 64-bit Linux.
	 */
	int OPAQUE_SIZE = 1024;

	int posix_spawn(@Out IntByReference pid, @In CharSequence path, Pointer fileActions, Pointer attributes,
			@In CharSequence[] argv, @In CharSequence[] envp);

	int posix_spawn_file_actions_init(Pointer fileActions);

	int posix_spawn_file_actions_destroy(Pointer fileActions);

	int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

	int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

	int posix_spawnattr_init(Pointer attributes);

	int posix_spawnattr_destroy(Pointer attributes);

	int posix_spawnattr_setflags(Pointer attributes, short flags);

	int posix_spawnattr_setsigmask(Pointer attributes, Pointer sigset);

	int posix_spawnattr_setsigdefault(Pointer attributes, Pointer sigset);

	int sigemptyset(Pointer sigset);

	int sigfillset(Pointer sigset);

	int fcntl(int fd, int command, int argument);

	/**
	 * Replace the calling thread's signal mask ({@code how} = {@link #SIG_SETMASK}).
	 * @param how what to do with {@code set}
	 * @param set the signals
	 * @param old where to put the previous mask, or null
	 * @return 0 or an error number
	 */
	int pthread_sigmask(int how, Pointer set, Pointer old);

	/**
	 * Replace the program of this process.
	 * @param path the program
	 * @param argv the arguments, program first
	 * @param envp the environment
	 * @return -1 (it returns only on failure)
	 */
	int execve(@In CharSequence path, @In CharSequence[] argv, @In CharSequence[] envp);

}
