/**
 * Reactor Netty as a restartable server: server channels that adopt an inherited socket,
 * accept only once the application is ready, and stop accepting without closing the
 * shared socket.
 */
package io.github.gracefulrestart.netty;
