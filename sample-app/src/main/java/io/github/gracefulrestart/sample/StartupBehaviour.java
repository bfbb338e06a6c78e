package io.github.gracefulrestart.sample;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Start-up as slow or as broken as the configuration says, to watch a restart whose new
 * generation hangs ({@code sample.startup-delay}) or fails
 * ({@code sample.fail-on-start}): the serving generation must not notice. Runners run
 * before the application is ready.
 */
@Component
class StartupBehaviour implements ApplicationRunner {

	private static final Log logger = LogFactory.getLog(StartupBehaviour.class);

	private final Duration delay;

	private final boolean fail;

	StartupBehaviour(@Value("${sample.startup-delay:0s}") Duration delay,
			@Value("${sample.fail-on-start:false}") boolean fail) {
		this.delay = delay;
		this.fail = fail;
	}

	@Override
	public void run(ApplicationArguments args) throws InterruptedException {
		if (this.fail) {
			throw new IllegalStateException("sample.fail-on-start is set");
		}
		if (!this.delay.isZero()) {
			logger.info("Delaying start-up by " + this.delay + " (sample.startup-delay)");
			Thread.sleep(this.delay.toMillis());
		}
	}

}
