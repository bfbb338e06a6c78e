/**
 * The handover between two generations, said once: the {@link Message messages} on the
 * {@link HandoverChannel channel} between them, the environment contract
 * ({@link Handoff}), the parent's view of a child it {@link Launcher launched}
 * ({@link ChildProcess}), the drain, and the owner of restart state inside a generation
 * ({@link RestartCoordinator}). The supervisor is a second owner on top of the same
 * pieces.
 */
package io.github.gracefulrestart.handover;
