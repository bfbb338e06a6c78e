package io.github.gracefulrestart.autoconfigure;

import io.github.gracefulrestart.process.JnrNativeOs;
import io.github.gracefulrestart.process.NativeOs;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches where the native calls restarts need can be loaded; elsewhere it logs one
 * warning, and the application runs as usual, without restarts.
 */
class NativeSupportCondition extends SpringBootCondition {

	private static final Log logger = LogFactory.getLog(NativeSupportCondition.class);

	private static volatile Object loaded;

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Object os = load();
		if (os instanceof NativeOs) {
			return ConditionOutcome.match("native POSIX support loaded");
		}
		return ConditionOutcome.noMatch("native POSIX support unavailable: " + os);
	}

	static NativeOs nativeOs() {
		Object os = load();
		if (os instanceof NativeOs nativeOs) {
			return nativeOs;
		}
		throw new IllegalStateException("Native POSIX support unavailable: " + os);
	}

	private static synchronized Object load() {
		if (loaded == null) {
			try {
				loaded = JnrNativeOs.load();
			}
			catch (UnsupportedOperationException ex) {
				loaded = ex.getMessage();
				logger.warn("Graceful restarts are off: " + ex.getMessage());
			}
		}
		return loaded;
	}

}
