package io.github.gracefulrestart.netty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NettyPrivateChannel} with a real Reactor Netty server on a Unix domain
 * socket.
 */
class NettyPrivateChannelTests {

	@Test
	void requestsReachTheHandlerOverAUnixSocketOnlyThisUserCanEnterAndCloseRemovesIt() throws Exception {
		AtomicInteger served = new AtomicInteger();
		NettyListeners.Handler handler = (request, response) -> {
			if (!request.uri().equals("/hello")) {
				return response.status(404).send();
			}
			served.incrementAndGet();
			return response.sendString(Mono.just("hello"));
		};
		Path directory;
		try (NettyPrivateChannel channel = NettyPrivateChannel.open(handler)) {
			assertThat(channel.get("/hello")).isEqualTo(200);
			assertThat(channel.get("/missing")).isEqualTo(404);
			assertThat(served).hasValue(1);
			directory = channel.directory();
			assertThat(Files.getPosixFilePermissions(directory)).extracting(Object::toString)
				.containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE", "OWNER_EXECUTE");
		}
		assertThat(directory).doesNotExist();
	}

}
