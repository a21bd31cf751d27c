package com.custarea.routes.twilio;

import java.util.List;

import com.custarea.routes.support.BatchStage;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.Channel;
import com.custarea.schemas.OutboundMessage;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;

/** The outbound stage of one Twilio channel (WhatsApp or SMS): its topic, sent by the {@link TwilioOutboundSender}. */
public class TwilioOutboundStage implements BatchStage<OutboundMessage> {

    private final Channel channel;
    private final TwilioOutboundSender sender;

    public TwilioOutboundStage(Channel channel, TwilioOutboundSender sender) {
        this.channel = channel;
        this.sender = sender;
    }

    @Override
    public TopicSpec<OutboundMessage> input() {
        return Topics.outbound(channel);
    }

    @Override
    public List<OutgoingRecord> process(List<StageRecord<OutboundMessage>> batch) {
        return sender.send(channel, batch);
    }
}
