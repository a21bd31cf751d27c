package com.custarea.routes.widget;

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
 * The widget's outbound stage: a reply is "sent" once it is stored and announced, since the visitor's widget reads
 * it from the conversation (its history, or the live event that names it); no provider is called.
 */
@Service
public class WidgetOutboundStage implements BatchStage<OutboundMessage> {

    public static final String STAGE = "outbound-widget";

    @Override
    public TopicSpec<OutboundMessage> input() {
        return Topics.outbound(Channel.WIDGET);
    }

    @Override
    public List<OutgoingRecord> process(List<StageRecord<OutboundMessage>> batch) {
        return batch.stream().map(record -> DeliveryReports.of(record.payload(), SendOutcome.sent(
                record.payload().messageId(), "widget:" + record.payload().messageId()))).toList();
    }
}
