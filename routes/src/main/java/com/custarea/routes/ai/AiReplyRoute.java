package com.custarea.routes.ai;

import com.custarea.routes.support.BatchStageRouteBuilder;
import com.custarea.routes.support.StageSupport;
import com.custarea.schemas.AiRequest;
import org.springframework.stereotype.Component;

/** ai.requests ▶ answer engine ▶ reply queued ▶ outbound.&lt;channel&gt; and conversation.events. */
@Component
public class AiReplyRoute extends BatchStageRouteBuilder<AiRequest> {

    public static final String ROUTE_ID = "ai";
    public static final String GROUP_ID = "custarea-ai";

    public AiReplyRoute(AiReplyStage stage, StageSupport support) {
        super(stage, ROUTE_ID, GROUP_ID, support);
    }
}
