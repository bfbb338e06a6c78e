/**
 * Auto-configuration for graceful restarts: properties, triggers and the web server glue.
 */
package io.github.gracefulrestart.autoconfigure;
