package com.custarea.routes.calls;

import com.custarea.routes.support.BatchStageRouteBuilder;
import com.custarea.routes.support.StageSupport;
import com.custarea.schemas.OutboundMessage;
import org.springframework.stereotype.Component;

/** outbound.voice ▶ reported failed on delivery.status (text cannot be sent to a phone call). */
@Component
public class VoiceOutboundRoute extends BatchStageRouteBuilder<OutboundMessage> {

    public static final String ROUTE_ID = VoiceOutboundStage.STAGE;
    public static final String GROUP_ID = "custarea-outbound-voice";

    public VoiceOutboundRoute(VoiceOutboundStage stage, StageSupport support) {
        super(stage, ROUTE_ID, GROUP_ID, support);
    }
}
