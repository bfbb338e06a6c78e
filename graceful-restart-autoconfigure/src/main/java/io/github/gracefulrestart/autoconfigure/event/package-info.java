/**
 * Spring application events of graceful restarts, for {@code @EventListener} methods.
 */
package io.github.gracefulrestart.autoconfigure.event;
