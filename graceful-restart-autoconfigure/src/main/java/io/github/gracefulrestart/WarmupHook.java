package io.github.gracefulrestart;

/**
 * Application-specific warm-up that a new generation runs before it takes over from the
 * serving one: filling caches, opening pool connections, exercising code paths that
 * requests alone do not reach. Declare one as a bean; every one runs, within
 * {@code graceful-restart.warmup.duration}.
 */
@FunctionalInterface
public interface WarmupHook {

	/**
	 * Warm up. An exception is logged and changes nothing else.
	 * @throws Exception when the warm-up failed
	 */
	void warmUp() throws Exception;

}
