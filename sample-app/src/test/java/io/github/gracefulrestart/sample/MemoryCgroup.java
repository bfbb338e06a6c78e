package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A memory cgroup of its own, as a container runtime gives a container: a limit on
 * everything its processes use (RSS and page cache), the kernel's OOM killer inside it,
 * and the JVM sizing its heap from it. Made under this process's own cgroup, v1 (memory
 * controller) or v2; root only.
 */
final class MemoryCgroup implements AutoCloseable {

	private static final AtomicInteger COUNT = new AtomicInteger();

	private final Path dir;

	private final boolean v2;

	private MemoryCgroup(Path dir, boolean v2) {
		this.dir = dir;
		this.v2 = v2;
	}

	/**
	 * Make a cgroup limited to {@code limitMb}.
	 * @return the cgroup, or empty where this process cannot make one (not root, no
	 * memory controller)
	 */
	static Optional<MemoryCgroup> create(long limitMb) {
		try {
			boolean v2 = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
			Path parent = Path.of((v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory") + ownPath(v2));
			Path dir = parent
				.resolve("graceful-restart-" + ProcessHandle.current().pid() + "-" + COUNT.incrementAndGet());
			Files.createDirectory(dir);
			MemoryCgroup cgroup = new MemoryCgroup(dir, v2);
			try {
				Files.writeString(dir.resolve(v2 ? "memory.max" : "memory.limit_in_bytes"),
						String.valueOf(limitMb << 20));
				if (v2) {
					// No swap either: the limit is the whole of it, as with docker run
					// --memory.
					Files.writeString(dir.resolve("memory.swap.max"), "0");
				}
				return Optional.of(cgroup);
			}
			catch (IOException | RuntimeException ex) {
				cgroup.close();
				return Optional.empty();
			}
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	/**
	 * This process's path in the v2 hierarchy, or in the v1 hierarchy of the memory
	 * controller.
	 */
	private static String ownPath(boolean v2) throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
			String[] fields = line.split(":", 3);
			boolean match = v2 ? fields[0].equals("0") && fields[1].isEmpty()
					: List.of(fields[1].split(",")).contains("memory");
			if (match) {
				return fields[2].equals("/") ? "" : fields[2];
			}
		}
		throw new IOException("this process is in no " + (v2 ? "v2" : "memory") + " cgroup");
	}

	/**
	 * The command before another one that puts it in this cgroup: a shell that moves
	 * itself in, then execs the rest.
	 */
	List<String> launcher() {
		return List.of("sh", "-c", "echo $$ > " + this.dir.resolve("cgroup.procs") + " && exec \"$@\"", "sh");
	}

	/** How many processes the kernel's OOM killer killed in this cgroup. */
	long oomKills() throws IOException {
		String file = this.v2 ? "memory.events" : "memory.oom_control";
		for (String line : Files.readAllLines(this.dir.resolve(file))) {
			if (line.startsWith("oom_kill ")) {
				return Long.parseLong(line.substring("oom_kill ".length()).trim());
			}
		}
		return 0;
	}

	/**
	 * The most memory charged to this cgroup at once (v2 needs Linux 5.19 for it, else
	 * 0).
	 */
	long peakMb() throws IOException {
		Path peak = this.dir.resolve(this.v2 ? "memory.peak" : "memory.max_usage_in_bytes");
		return Files.exists(peak) ? Long.parseLong(Files.readString(peak).trim()) >> 20 : 0;
	}

	/** Kill what is left inside, then remove the cgroup. */
	@Override
	public void close() {
		try {
			for (int attempt = 0; attempt < 50 && Files.exists(this.dir); attempt++) {
				List<Long> pids = new ArrayList<>();
				for (String line : Files.readAllLines(this.dir.resolve("cgroup.procs"))) {
					if (!line.isBlank()) {
						pids.add(Long.parseLong(line.trim()));
					}
				}
				pids.forEach((pid) -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
				try {
					Files.delete(this.dir);
				}
				catch (IOException ex) {
					// Busy while the killed processes exit: try again.
					Thread.sleep(100);
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not remove " + this.dir, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public String toString() {
		return this.dir.toString();
	}

}
