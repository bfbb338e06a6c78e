package io.github.gracefulrestart.sample;

import java.io.IOException;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * {@code ws://host:8080/echo}: greets with the version and pid, then echoes each message.
 * When a generation hands over, graceful-restart closes the session with 1012 (Service
 * Restart), and the client reconnects to the new generation; the application does nothing
 * for that.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class EchoSocket implements WebSocketConfigurer {

	private final String greeting;

	EchoSocket(@Value("${sample.version}") String version) {
		this.greeting = "hello from version " + version + " pid " + ProcessHandle.current().pid();
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(new TextWebSocketHandler() {

			@Override
			public void afterConnectionEstablished(WebSocketSession session) throws IOException {
				session.sendMessage(new TextMessage(EchoSocket.this.greeting));
			}

			@Override
			protected void handleTextMessage(WebSocketSession session, TextMessage message) throws IOException {
				session.sendMessage(new TextMessage("echo " + message.getPayload()));
			}

			@Override
			public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
			}

		}, "/echo");
	}

}
