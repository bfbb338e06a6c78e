package io.github.gracefulrestart.socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the descriptors of this process's listening TCP sockets without JVM flags: the
 * links in {@code /proc/self/fd} name each socket's inode ({@code socket:[INODE]}), and
 * the LISTEN rows of {@code /proc/net/tcp} and {@code /proc/net/tcp6} give each inode's
 * local address. Matching is by inode, so sockets of other processes in the table never
 * match.
 */
public final class ProcSocketTable {

	private static final String LISTEN = "0A";

	private final Path proc;

	/**
	 * Create a table reading the real {@code /proc}.
	 */
	public ProcSocketTable() {
		this(Path.of("/proc"));
	}

	ProcSocketTable(Path proc) {
		this.proc = proc;
	}

	/**
	 * Return the listening socket of this process bound to {@code address}.
	 * @param address the local address, as the channel reports it
	 * @return the socket, if this process has one there
	 */
	public Optional<ListeningSocket> find(InetSocketAddress address) {
		return listeningSockets().stream().filter((socket) -> socket.address().equals(address)).findFirst();
	}

	/**
	 * Return the listening socket of this process on descriptor {@code fd}.
	 * @param fd the descriptor
	 * @return the socket, if {@code fd} is one
	 */
	public Optional<ListeningSocket> findByFd(int fd) {
		return listeningSockets().stream().filter((socket) -> socket.fd() == fd).findFirst();
	}

	/**
	 * Return every listening TCP socket of this process.
	 * @return the sockets, lowest descriptor first
	 */
	public List<ListeningSocket> listeningSockets() {
		Map<Long, List<Integer>> fdsByInode = socketInodes();
		List<ListeningSocket> sockets = new ArrayList<>();
		addListening(this.proc.resolve("self/net/tcp"), false, fdsByInode, sockets);
		addListening(this.proc.resolve("self/net/tcp6"), true, fdsByInode, sockets);
		sockets.sort((a, b) -> Integer.compare(a.fd(), b.fd()));
		return sockets;
	}

	private Map<Long, List<Integer>> socketInodes() {
		// One socket can sit at several descriptors (dup): each is a way to reach it.
		Map<Long, List<Integer>> fdsByInode = new HashMap<>();
		try (DirectoryStream<Path> fds = Files.newDirectoryStream(this.proc.resolve("self/fd"))) {
			for (Path fd : fds) {
				String target = readLink(fd);
				if (target != null && target.startsWith("socket:[")) {
					long inode = Long.parseLong(target.substring(8, target.length() - 1));
					fdsByInode.computeIfAbsent(inode, (key) -> new ArrayList<>())
						.add(Integer.parseInt(fd.getFileName().toString()));
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot list " + this.proc.resolve("self/fd"), ex);
		}
		return fdsByInode;
	}

	private static String readLink(Path fd) {
		try {
			return Files.readSymbolicLink(fd).toString();
		}
		catch (IOException ex) {
			// Closed between listing and reading: not ours any more.
			return null;
		}
	}

	private static void addListening(Path table, boolean inet6, Map<Long, List<Integer>> fdsByInode,
			List<ListeningSocket> sockets) {
		if (!Files.exists(table)) {
			return;
		}
		try {
			List<String> lines = Files.readAllLines(table);
			for (String line : lines.subList(1, lines.size())) {
				String[] columns = line.trim().split("\\s+");
				if (columns.length < 10 || !LISTEN.equals(columns[3])) {
					continue;
				}
				for (int fd : fdsByInode.getOrDefault(Long.parseLong(columns[9]), List.of())) {
					sockets.add(new ListeningSocket(fd, parseAddress(columns[1]), inet6));
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot read " + table, ex);
		}
	}

	/**
	 * Parse a {@code /proc/net/tcp[6]} address: hex 32-bit words, each in host
	 * (little-endian) order, a colon, and the port in hex. An IPv4-mapped IPv6 address
	 * comes back as the IPv4 address, the way a dual-stack channel reports it.
	 */
	static InetSocketAddress parseAddress(String hex) {
		int colon = hex.indexOf(':');
		String host = hex.substring(0, colon);
		byte[] bytes = new byte[host.length() / 2];
		for (int word = 0; word < bytes.length / 4; word++) {
			for (int i = 0; i < 4; i++) {
				int at = (word * 4 + 3 - i) * 2;
				bytes[word * 4 + i] = (byte) Integer.parseInt(host.substring(at, at + 2), 16);
			}
		}
		try {
			return new InetSocketAddress(InetAddress.getByAddress(bytes),
					Integer.parseInt(hex.substring(colon + 1), 16));
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("not an address: " + hex, ex);
		}
	}

}
