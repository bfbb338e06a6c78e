package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sections of docs/benchmarks.md that runs of their own write: the soak takes an hour, so
 * the whole benchmark keeps the section the last soak wrote, and the soak rewrites only
 * its own.
 */
final class Markdown {

	private Markdown() {
	}

	/**
	 * The section from {@code heading} to the next heading of its level or the end, or
	 * "".
	 */
	static String section(Path file, String heading) throws IOException {
		if (!Files.exists(file)) {
			return "";
		}
		String text = "\n" + Files.readString(file);
		int from = text.indexOf("\n" + heading + "\n");
		if (from < 0) {
			return "";
		}
		int to = text.indexOf("\n## ", from + 1);
		return text.substring(from + 1, (to < 0) ? text.length() : to + 1);
	}

	/** Replace the section that starts with {@code heading}, or add it at the end. */
	static void replaceSection(Path file, String heading, String section) throws IOException {
		String text = Files.exists(file) ? Files.readString(file) : "";
		String old = section(file, heading);
		if (old.isEmpty()) {
			text = text + (text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n")
					+ section;
		}
		else {
			text = text.replace(old, section);
		}
		Files.writeString(file, text);
	}

}
