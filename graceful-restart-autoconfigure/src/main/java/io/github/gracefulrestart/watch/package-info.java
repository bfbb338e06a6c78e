/**
 * Restart on a new jar: the serving generation watches the jar it started from (and
 * configuration files, if asked) and restarts once it was replaced and stayed quiet.
 */
package io.github.gracefulrestart.watch;
