/**
 * Listening sockets: finding their descriptors in {@code /proc}, and adopting inherited
 * ones.
 */
package io.github.gracefulrestart.socket;
