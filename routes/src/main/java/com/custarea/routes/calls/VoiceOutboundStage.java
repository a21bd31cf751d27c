package com.custarea.routes.calls;

import java.util.List;

import com.custarea.routes.support.BatchStage;
import com.custarea.routes.support.DeliveryReports;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.SendOutcome;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.Channel;
import com.custarea.schemas.OutboundMessage;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
import org.springframework.stereotype.Service;

/**
 * outbound.voice: a text reply written in a phone conversation cannot be spoken after the call, so it fails at once
 * with a reason the team can act on (call the contact back), rather than waiting queued for ever.
 */
@Service
public class VoiceOutboundStage implements BatchStage<OutboundMessage> {

    public static final String STAGE = "outbound-voice";
    static final String NO_TEXT = "voice-no-text";

    @Override
    public TopicSpec<OutboundMessage> input() {
        return Topics.outbound(Channel.VOICE);
    }

    @Override
    public List<OutgoingRecord> process(List<StageRecord<OutboundMessage>> batch) {
        return batch.stream().map(record -> DeliveryReports.of(record.payload(), SendOutcome.failed(
                record.payload().messageId(), NO_TEXT, "A phone conversation takes no text replies: call the "
                        + "contact back (POST /api/phone/calls)"))).toList();
    }
}
