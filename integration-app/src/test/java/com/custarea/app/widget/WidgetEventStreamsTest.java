package com.custarea.app.widget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.UUID;

import com.custarea.app.events.ConversationEventHub;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.widget.WidgetVisitors;
import org.junit.jupiter.api.Test;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

class WidgetEventStreamsTest {

    private static final UUID TENANT = UUID.randomUUID();

    /** At most 2 open streams per visitor and 3 per tenant and address. */
    private final WidgetEventStreams streams = new WidgetEventStreams(new ConversationEventHub(10,
            Duration.ofMinutes(5), Duration.ofMinutes(30)), null, Duration.ofMinutes(30), 2, 3);

    @Test
    void aVisitorsStreamOverItsCapClosesItsOldestOne() {
        WidgetVisitors.Visitor visitor = visitor(TENANT);
        SseEmitter oldest = streams.subscribe(visitor, "198.51.100.1");
        SseEmitter second = streams.subscribe(visitor, "198.51.100.2");
        SseEmitter newest = streams.subscribe(visitor, "198.51.100.3");

        assertThatThrownBy(() -> oldest.send("x")).as("completed").isInstanceOf(IllegalStateException.class);
        assertThatCode(() -> second.send("x")).doesNotThrowAnyException();
        assertThatCode(() -> newest.send("x")).doesNotThrowAnyException();
        SseEmitter fourth = streams.subscribe(visitor, "198.51.100.1");
        assertThatThrownBy(() -> second.send("x")).isInstanceOf(IllegalStateException.class);
        assertThatCode(() -> fourth.send("x")).doesNotThrowAnyException();
    }

    @Test
    void theAddressCapCountsOneTenantsStreamsAndAReplacedStreamFreesItsPlace() {
        String address = "203.0.113.9";
        WidgetVisitors.Visitor first = visitor(TENANT);
        streams.subscribe(first, address);
        streams.subscribe(first, address);
        streams.subscribe(visitor(TENANT), address);

        ProblemException refused = catchThrowableOfType(() -> streams.subscribe(visitor(TENANT), address),
                ProblemException.class);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.slug()).isEqualTo("too-many-streams");
        assertThat(refused.retryAfter()).isPositive();
        assertThatCode(() -> streams.subscribe(visitor(UUID.randomUUID()), address))
                .as("another tenant's visitor at the same address").doesNotThrowAnyException();
        assertThatCode(() -> streams.subscribe(visitor(TENANT), "203.0.113.10")).doesNotThrowAnyException();
        // the first visitor reconnecting replaces its oldest stream at this address
        assertThatCode(() -> streams.subscribe(first, address)).doesNotThrowAnyException();
    }

    private static WidgetVisitors.Visitor visitor(UUID tenant) {
        return new WidgetVisitors.Visitor(UUID.randomUUID(), tenant, UUID.randomUUID(), null, null, null);
    }
}
