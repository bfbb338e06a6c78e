/**
 * Actuator support for graceful restarts: the {@code gracefulrestart} endpoint.
 */
package io.github.gracefulrestart.autoconfigure.actuate;
