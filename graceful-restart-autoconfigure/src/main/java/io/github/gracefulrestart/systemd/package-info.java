/**
 * systemd: socket activation, and sd_notify so that the service manager follows the main
 * pid across generations.
 */
package io.github.gracefulrestart.systemd;
