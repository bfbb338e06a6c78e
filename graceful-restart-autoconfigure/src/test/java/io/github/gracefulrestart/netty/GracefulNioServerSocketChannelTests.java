package io.github.gracefulrestart.netty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Netty server on a socket that is already listening, as a new generation inherits it:
 * real sockets on 127.0.0.1 and a real Netty event loop.
 */
class GracefulNioServerSocketChannelTests {

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();

	@AfterEach
	void stop() {
		this.group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
	}

	@Test
	void anInheritedSocketIsServedWithoutBindingAndAcceptedFromOnlyOnceTold() throws Exception {
		InetAddress loopback = InetAddress.getLoopbackAddress();
		try (ServerSocketChannel inherited = ServerSocketChannel.open()) {
			inherited.bind(new InetSocketAddress(loopback, 0));
			int port = ((InetSocketAddress) inherited.getLocalAddress()).getPort();
			GracefulNioServerSocketChannel server = start(inherited, port);
			assertThat(server.localAddress().getPort()).isEqualTo(port);

			try (Socket early = new Socket(loopback, port)) {
				// Connected by the kernel into the backlog; Netty must not take it yet. A
				// bounded wait for something that must not happen.
				assertThat(this.accepted.poll(500, TimeUnit.MILLISECONDS)).isNull();
				server.accepting(true).sync();
				assertThat(this.accepted.poll(10, TimeUnit.SECONDS)).as("accepted once told").isNotNull();
				await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 1);
			}
			await("a closed connection is not counted").atMost(Duration.ofSeconds(10))
				.until(() -> server.openConnections() == 0);

			server.accepting(false).sync();
			try (Socket late = new Socket(loopback, port)) {
				assertThat(this.accepted.poll(500, TimeUnit.MILLISECONDS)).as("no accept after the stop").isNull();
				// Still listening, the connection waits in the backlog for whoever
				// accepts next.
				SocketChannel waiting = inherited.accept();
				assertThat(waiting).isNotNull();
				waiting.close();
			}
		}
	}

	@Test
	void aSocketOfItsOwnIsBoundAndAcceptedFromAtOnce() throws Exception {
		GracefulNioServerSocketChannel server = (GracefulNioServerSocketChannel) bootstrap(
				GracefulNioServerSocketChannel::new)
			.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
			.sync()
			.channel();
		try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.localAddress().getPort())) {
			assertThat(this.accepted.poll(10, TimeUnit.SECONDS)).isNotNull();
		}
		server.close().sync();
	}

	private GracefulNioServerSocketChannel start(ServerSocketChannel inherited, int port) throws InterruptedException {
		return (GracefulNioServerSocketChannel) bootstrap(() -> new GracefulNioServerSocketChannel(inherited))
			.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
			.sync()
			.channel();
	}

	private ServerBootstrap bootstrap(io.netty.channel.ChannelFactory<GracefulNioServerSocketChannel> channels) {
		return new ServerBootstrap().group(this.group)
			.channelFactory(channels)
			.childHandler(new ChannelInitializer<>() {

				@Override
				protected void initChannel(Channel channel) {
					GracefulNioServerSocketChannelTests.this.accepted.add(channel);
				}

			});
	}

}
