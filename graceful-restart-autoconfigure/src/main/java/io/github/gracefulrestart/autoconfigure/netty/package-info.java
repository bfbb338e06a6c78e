/**
 * Auto-configuration for graceful restarts on Reactor Netty.
 */
package io.github.gracefulrestart.autoconfigure.netty;
