package io.github.gracefulrestart.sample.reactive;

import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;

/**
 * {@code ws://.../echo}: greets with the version and pid, then echoes each text message.
 * The library closes it with 1012 when this generation hands over.
 */
@Configuration(proxyBeanMethods = false)
class EchoSocket {

	@Bean
	HandlerMapping echoMapping(@Value("${sample.version}") String version) {
		long pid = ProcessHandle.current().pid();
		WebSocketHandler echo = (session) -> session
			.send(Flux.concat(Mono.just(session.textMessage("hello from version " + version + " pid " + pid)),
					session.receive().map((message) -> session.textMessage("echo " + message.getPayloadAsText()))));
		return new SimpleUrlHandlerMapping(Map.of("/echo", echo), -1);
	}

}
