package io.github.gracefulrestart.socket;

import java.net.InetSocketAddress;

/**
 * A listening TCP socket of this process: its descriptor, its local address and whether
 * it is an IPv6 socket (a dual-stack socket bound to an IPv4 address is still one).
 *
 * @param fd the descriptor
 * @param address the local address
 * @param inet6 whether the socket is of the {@code AF_INET6} family
 */
public record ListeningSocket(int fd, InetSocketAddress address, boolean inet6) {

}
