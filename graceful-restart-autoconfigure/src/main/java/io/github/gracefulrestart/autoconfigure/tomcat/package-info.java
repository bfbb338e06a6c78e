/**
 * Auto-configuration for graceful restarts on embedded Tomcat.
 */
package io.github.gracefulrestart.autoconfigure.tomcat;
