package io.github.gracefulrestart.handover;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The one restart trigger a restart owner (a generation's coordinator or the supervisor)
 * keeps while a restart cannot start: a signal has no reply, and one dropped would lose a
 * deploy. Later triggers merge into it; it runs once what held it is over. Not
 * thread-safe: its owner guards it.
 */
public final class QueuedTrigger {

	private static final Log logger = LogFactory.getLog(QueuedTrigger.class);

	private String trigger;

	/**
	 * Queue a trigger, or merge it into the one queued.
	 * @param trigger what asks, such as {@code SIGHUP}
	 * @param why why no restart can start now
	 * @return the reason a request gets back: {@link Message.Refused#QUEUED} and
	 * {@code why}
	 */
	public String offer(String trigger, String why) {
		boolean merged = this.trigger != null;
		if (!merged) {
			this.trigger = trigger;
		}
		logger.info("Restart requested by " + trigger + (merged ? " merged into the one queued" : " queued") + ": "
				+ why + "; it runs once that is over");
		return Message.Refused.QUEUED + why;
	}

	/**
	 * Return the queued trigger, and forget it.
	 * @return the trigger, or null when none is queued
	 */
	public String take() {
		String taken = this.trigger;
		this.trigger = null;
		return taken;
	}

	/**
	 * Return the queued trigger.
	 * @return the trigger, or null when none is queued
	 */
	public String peek() {
		return this.trigger;
	}

}
