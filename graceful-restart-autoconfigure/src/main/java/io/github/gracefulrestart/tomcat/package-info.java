/**
 * Embedded Tomcat: connectors that adopt inherited sockets and drain without errors on a
 * socket shared with the next generation.
 */
package io.github.gracefulrestart.tomcat;
