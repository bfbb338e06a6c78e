package io.github.gracefulrestart;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The listeners of a restart owner (a generation's coordinator or the supervisor). An
 * event reaches every listener; one that throws is logged and never stops the others or
 * the restart.
 */
public final class RestartListeners {

	private static final Log logger = LogFactory.getLog(RestartListeners.class);

	private final CopyOnWriteArrayList<RestartListener> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Add a listener.
	 * @param listener the listener
	 */
	public void add(RestartListener listener) {
		// Once: a bean that registers itself is also registered as a bean.
		this.listeners.addIfAbsent(listener);
	}

	/**
	 * Tell every listener of an event.
	 * @param event what to call on each listener
	 */
	public void fire(Consumer<RestartListener> event) {
		for (RestartListener listener : this.listeners) {
			try {
				event.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.warn("Restart listener " + listener + " failed", ex);
			}
		}
	}

}
