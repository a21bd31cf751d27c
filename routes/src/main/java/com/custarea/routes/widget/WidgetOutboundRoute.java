package com.custarea.routes.widget;

import com.custarea.routes.support.BatchStageRouteBuilder;
import com.custarea.routes.support.StageSupport;
import com.custarea.schemas.OutboundMessage;
import org.springframework.stereotype.Component;

/** outbound.widget ▶ reported sent on delivery.status (the widget reads the reply from the conversation). */
@Component
public class WidgetOutboundRoute extends BatchStageRouteBuilder<OutboundMessage> {

    public static final String ROUTE_ID = WidgetOutboundStage.STAGE;
    public static final String GROUP_ID = "custarea-outbound-widget";

    public WidgetOutboundRoute(WidgetOutboundStage stage, StageSupport support) {
        super(stage, ROUTE_ID, GROUP_ID, support);
    }
}
