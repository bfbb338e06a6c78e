package io.github.gracefulrestart.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import io.github.gracefulrestart.RestartAttempt;
import io.github.gracefulrestart.RestartListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A file that always names the serving generation, for {@code PIDFile=} units and
 * {@code kill -HUP $(cat app.pid)}. Each generation writes it once it is ready
 * (atomically: a temporary file renamed over it, readable and writable by its owner
 * only), and again once the previous one is gone or a restart it started failed, so that
 * another writer of the same file (Spring Boot's {@code ApplicationPidFileWriter}, which
 * deletes it when its JVM exits) cannot leave it naming a generation that is gone. It is
 * removed only when the service stops, never when a generation hands over.
 */
public class PidFile implements RestartListener {

	private static final Log logger = LogFactory.getLog(PidFile.class);

	private final Path path;

	private final String pid = String.valueOf(ProcessHandle.current().pid());

	/**
	 * Create a PID file writer.
	 * @param path the file
	 */
	public PidFile(Path path) {
		this.path = path.toAbsolutePath();
	}

	@Override
	public void ready(int generation, boolean first) {
		write();
	}

	@Override
	public void servingAlone(int generation) {
		write();
	}

	@Override
	public void restartFailed(RestartAttempt attempt) {
		write();
	}

	private void write() {
		try {
			Files.createDirectories(this.path.getParent());
			Path temporary = Files.createTempFile(this.path.getParent(), this.path.getFileName() + ".", ".tmp");
			Files.writeString(temporary, this.pid + "\n", StandardCharsets.US_ASCII);
			Files.move(temporary, this.path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			logger.warn("Cannot write PID file " + this.path + ": " + ex);
		}
	}

	@Override
	public void stopping() {
		try {
			if (Files.exists(this.path) && Files.readString(this.path).trim().equals(this.pid)) {
				Files.delete(this.path);
			}
		}
		catch (IOException ex) {
			logger.warn("Cannot remove PID file " + this.path + ": " + ex);
		}
	}

}
