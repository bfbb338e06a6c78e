/**
 * The restart machinery, free of Spring: the coordinator that owns restart state, the
 * handoff contract between generations, and the server seam.
 */
package io.github.gracefulrestart;
