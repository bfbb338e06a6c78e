/**
 * Jetty 12: connectors that adopt inherited sockets, and the drain.
 */
package io.github.gracefulrestart.jetty;
