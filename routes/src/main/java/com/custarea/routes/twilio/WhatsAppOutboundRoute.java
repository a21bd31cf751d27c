package com.custarea.routes.twilio;

import com.custarea.routes.support.BatchStageRouteBuilder;
import com.custarea.routes.support.StageSupport;
import com.custarea.schemas.Channel;
import com.custarea.schemas.OutboundMessage;
import org.springframework.stereotype.Component;

/** outbound.whatsapp ▶ send ledger ▶ 24-hour window ▶ camel-twilio ▶ delivery.status. */
@Component
public class WhatsAppOutboundRoute extends BatchStageRouteBuilder<OutboundMessage> {

    public static final String ROUTE_ID = "outbound-whatsapp";
    public static final String GROUP_ID = "custarea-outbound-whatsapp";

    public WhatsAppOutboundRoute(TwilioOutboundSender sender, StageSupport support) {
        super(new TwilioOutboundStage(Channel.WHATSAPP, sender), ROUTE_ID, GROUP_ID, support);
    }
}
