package com.custarea.routes.webhooks;

import com.custarea.routes.support.BatchStageRouteBuilder;
import com.custarea.routes.support.StageSupport;
import com.custarea.schemas.ConversationEvent;
import org.springframework.stereotype.Component;

/** conversation.events ▶ a delivery per subscribed webhook, queued in the database. */
@Component
public class WebhookFanoutRoute extends BatchStageRouteBuilder<ConversationEvent> {

    public static final String ROUTE_ID = WebhookFanoutStage.STAGE;
    public static final String GROUP_ID = "custarea-webhooks";

    public WebhookFanoutRoute(WebhookFanoutStage stage, StageSupport support) {
        super(stage, ROUTE_ID, GROUP_ID, support);
    }
}
