/**
 * Auto-configuration for graceful restarts on Jetty.
 */
package io.github.gracefulrestart.autoconfigure.jetty;
