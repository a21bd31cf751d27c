package com.custarea.routes.conversations;

import com.custarea.routes.support.BatchStageRouteBuilder;
import com.custarea.routes.support.StageSupport;
import com.custarea.schemas.DeliveryStatus;
import org.springframework.stereotype.Component;

/** delivery.status ▶ move message status forward ▶ conversation.events. */
@Component
public class DeliveryStatusRoute extends BatchStageRouteBuilder<DeliveryStatus> {

    public static final String ROUTE_ID = "delivery-status";
    public static final String GROUP_ID = "custarea-delivery-status";

    public DeliveryStatusRoute(DeliveryStatusStage stage, StageSupport support) {
        super(stage, ROUTE_ID, GROUP_ID, support);
    }
}
