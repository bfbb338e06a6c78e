package io.github.gracefulrestart.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.async.DeferredResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EventStreams}: only event streams are ended, and only those still in
 * flight.
 */
class EventStreamsTests {

	private final EventStreams streams = new EventStreams();

	@Test
	void endsTheEventStreamsInFlightAndLeavesOtherAsynchronousResponsesAlone() {
		DeferredResult<Object> events = inFlight("text/event-stream;charset=UTF-8");
		DeferredResult<Object> longPoll = inFlight("application/json");
		DeferredResult<Object> notStarted = inFlight(null);
		DeferredResult<Object> done = inFlight("text/event-stream");
		this.streams.afterCompletion(null, done);
		assertThat(this.streams.endAll()).isEqualTo(1);
		assertThat(events.isSetOrExpired()).isTrue();
		assertThat(events.getResult()).isNull();
		assertThat(longPoll.isSetOrExpired()).isFalse();
		assertThat(notStarted.isSetOrExpired()).isFalse();
		assertThat(done.isSetOrExpired()).isFalse();
		assertThat(this.streams.endAll()).as("ended once").isZero();
	}

	private DeferredResult<Object> inFlight(String contentType) {
		MockHttpServletResponse response = new MockHttpServletResponse();
		if (contentType != null) {
			response.setContentType(contentType);
		}
		DeferredResult<Object> result = new DeferredResult<>();
		this.streams.preProcess(new ServletWebRequest(new MockHttpServletRequest(), response), result);
		return result;
	}

}
