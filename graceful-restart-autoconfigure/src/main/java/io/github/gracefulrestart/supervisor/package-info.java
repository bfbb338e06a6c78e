/**
 * The supervisor: a small process with a stable pid that holds the listening sockets,
 * starts every generation and reaps what ends, for containers (PID 1) and service
 * managers.
 */
package io.github.gracefulrestart.supervisor;
