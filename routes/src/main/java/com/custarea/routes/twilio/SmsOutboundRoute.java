package com.custarea.routes.twilio;

import com.custarea.routes.support.BatchStageRouteBuilder;
import com.custarea.routes.support.StageSupport;
import com.custarea.schemas.Channel;
import com.custarea.schemas.OutboundMessage;
import org.springframework.stereotype.Component;

/** outbound.sms ▶ send ledger ▶ camel-twilio ▶ delivery.status. */
@Component
public class SmsOutboundRoute extends BatchStageRouteBuilder<OutboundMessage> {

    public static final String ROUTE_ID = "outbound-sms";
    public static final String GROUP_ID = "custarea-outbound-sms";

    public SmsOutboundRoute(TwilioOutboundSender sender, StageSupport support) {
        super(new TwilioOutboundStage(Channel.SMS, sender), ROUTE_ID, GROUP_ID, support);
    }
}
