package com.custarea.routes.conversations;

import com.custarea.routes.support.BatchStageRouteBuilder;
import com.custarea.routes.support.StageSupport;
import com.custarea.schemas.InboundMessage;
import org.springframework.stereotype.Component;

/** inbound.messages ▶ resolve contact, thread, store ▶ conversation.events and ai.requests. */
@Component
public class IngestRoute extends BatchStageRouteBuilder<InboundMessage> {

    /** The route id, which also names the stage in dead-letter headers and tuning properties. */
    public static final String ROUTE_ID = IngestStage.STAGE;
    public static final String GROUP_ID = "custarea-ingest";

    public IngestRoute(IngestStage stage, StageSupport support) {
        super(stage, ROUTE_ID, GROUP_ID, support);
    }
}
