package com.custarea.routes.email;

import com.custarea.routes.support.BatchStageRouteBuilder;
import com.custarea.routes.support.StageSupport;
import com.custarea.schemas.OutboundMessage;
import org.springframework.stereotype.Component;

/** outbound.email ▶ sandbox outbox (until an e-mail provider is configured) ▶ delivery.status. */
@Component
public class EmailOutboundRoute extends BatchStageRouteBuilder<OutboundMessage> {

    public static final String GROUP_ID = "custarea-outbound-email";

    public EmailOutboundRoute(EmailOutboundStage stage, StageSupport support) {
        super(stage, EmailOutboundStage.STAGE, GROUP_ID, support);
    }
}
