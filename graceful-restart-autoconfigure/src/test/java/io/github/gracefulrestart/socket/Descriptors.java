package io.github.gracefulrestart.socket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a descriptor of this test JVM refers to ({@code /proc/self/fd}). A closed
 * descriptor's number may be taken again at once by another thread, for another file: a
 * test that closes one checks that the number no longer refers to what it did, not that
 * the number is gone.
 */
final class Descriptors {

	private Descriptors() {
	}

	/**
	 * Return what {@code fd} refers to, such as {@code socket:[12345]}.
	 * @param fd the descriptor
	 * @return the link's target, or {@code closed}
	 */
	static String target(int fd) {
		try {
			return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
		}
		catch (IOException ex) {
			return "closed";
		}
	}

}
