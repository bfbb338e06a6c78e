package io.github.gracefulrestart.sample;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * The sample's endpoints. Every answer names the version and the pid that served it, so a
 * client sees which generation answered.
 */
@RestController
class SampleController {

	private static final Log logger = LogFactory.getLog(SampleController.class);

	private final String version;

	private final long pid = ProcessHandle.current().pid();

	private final int helloStatus;

	SampleController(@Value("${sample.version}") String version, @Value("${sample.hello-status:200}") int helloStatus) {
		this.version = version;
		this.helloStatus = helloStatus;
	}

	/**
	 * Hello, with the status {@code sample.hello-status} (200 by default): a version that
	 * answers 500 fails its warm-up, and so its restart.
	 */
	@GetMapping("/hello")
	ResponseEntity<String> hello() {
		return ResponseEntity.status(this.helloStatus)
			.body("Hello from version " + this.version + " pid " + this.pid + "\n");
	}

	@GetMapping("/sleep")
	String sleep(@RequestParam(defaultValue = "1000") long ms) throws InterruptedException {
		logger.info("Holding a request for " + ms + " ms");
		Thread.sleep(Math.min(Math.max(ms, 0), 120_000));
		return "Slept " + ms + " ms in version " + this.version + " pid " + this.pid + "\n";
	}

	/**
	 * A slow download: 1 KiB every 100 ms for {@code seconds}, streamed; a restart
	 * meanwhile lets it finish on the old generation.
	 */
	@GetMapping("/download")
	ResponseEntity<StreamingResponseBody> download(@RequestParam(defaultValue = "15") int seconds) {
		return ResponseEntity.ok().header("X-Pid", String.valueOf(this.pid)).body((out) -> {
			byte[] kib = new byte[1024];
			java.util.Arrays.fill(kib, (byte) 'x');
			for (int i = 0; i < Math.min(Math.max(seconds, 0), 120) * 10; i++) {
				out.write(kib);
				out.flush();
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		});
	}

	@PostMapping("/upload")
	String upload(HttpServletRequest request) throws IOException, NoSuchAlgorithmException {
		MessageDigest digest = MessageDigest.getInstance("SHA-256");
		long bytes = 0;
		byte[] buffer = new byte[64 * 1024];
		try (InputStream body = request.getInputStream()) {
			int count;
			while ((count = body.read(buffer)) != -1) {
				digest.update(buffer, 0, count);
				bytes += count;
			}
		}
		return "Received " + bytes + " bytes sha256 " + HexFormat.of().formatHex(digest.digest()) + " in version "
				+ this.version + " pid " + this.pid + "\n";
	}

}
