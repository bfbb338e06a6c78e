/**
 * Micrometer metrics of graceful restarts.
 */
package io.github.gracefulrestart.autoconfigure.metrics;
