package com.custarea.routes.calls;

import com.custarea.routes.support.BatchStageRouteBuilder;
import com.custarea.routes.support.StageSupport;
import com.custarea.schemas.CallEvent;
import org.springframework.stereotype.Component;

/** calls.events ▶ the call recorder (the call's row and its transcript in the conversation) ▶ conversation.events. */
@Component
public class CallRecorderRoute extends BatchStageRouteBuilder<CallEvent> {

    public static final String ROUTE_ID = CallRecorderStage.STAGE;
    public static final String GROUP_ID = "custarea-call-recorder";

    public CallRecorderRoute(CallRecorderStage stage, StageSupport support) {
        super(stage, ROUTE_ID, GROUP_ID, support);
    }
}
