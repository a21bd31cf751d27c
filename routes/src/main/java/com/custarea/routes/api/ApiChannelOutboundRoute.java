package com.custarea.routes.api;

import com.custarea.routes.support.BatchStageRouteBuilder;
import com.custarea.routes.support.StageSupport;
import com.custarea.schemas.OutboundMessage;
import org.springframework.stereotype.Component;

/** outbound.api ▶ send ledger ▶ signed callbacks ▶ delivery.status. */
@Component
public class ApiChannelOutboundRoute extends BatchStageRouteBuilder<OutboundMessage> {

    public static final String ROUTE_ID = ApiChannelOutboundStage.STAGE;
    public static final String GROUP_ID = "custarea-outbound-api";

    public ApiChannelOutboundRoute(ApiChannelOutboundStage stage, StageSupport support) {
        super(stage, ROUTE_ID, GROUP_ID, support);
    }
}
