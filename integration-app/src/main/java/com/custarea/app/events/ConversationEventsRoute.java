package com.custarea.app.events;

import java.util.UUID;

import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * conversation.events ▶ the dashboards connected to this instance. Every instance reads every event (a consumer
 * group of its own, from the latest offset): live updates are best-effort, the REST API is the record.
 */
@Component
public class ConversationEventsRoute extends RouteBuilder {

    public static final String ROUTE_ID = "conversation-events-stream";
    private static final Logger LOG = LoggerFactory.getLogger(ConversationEventsRoute.class);

    private final ConversationEventHub hub;
    private final String groupId = "custarea-events-" + UUID.randomUUID();

    public ConversationEventsRoute(ConversationEventHub hub) {
        this.hub = hub;
    }

    @Override
    public void configure() {
        from("kafka:" + Topics.CONVERSATION_EVENTS.name() + "?groupId=" + groupId + "&autoOffsetReset=latest")
                .routeId(ROUTE_ID)
                .process(new Fanout(hub));
    }

    /** Hands each event to the hub; an event that does not parse is skipped, not retried. */
    private record Fanout(ConversationEventHub hub) implements Processor {

        @Override
        public void process(Exchange exchange) {
            String json = exchange.getMessage().getBody(String.class);
            try {
                hub.publish(PayloadJson.read(json, ConversationEvent.class), json);
            } catch (RuntimeException e) {
                LOG.warn("Skipping a conversation event that does not parse: {}", e.getMessage());
            }
        }
    }
}
