/**
 * Processes: the native seam (spawn with descriptors, signals, reaping), stopping a
 * child, the handshake socket between generations and the next generation's command line.
 */
package io.github.gracefulrestart.process;
