package com.custarea.routes.conversations;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.BatchStage;
import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import com.custarea.schemas.DeliveryStatus;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The status updater: applies delivery reports so a message's status only moves forward (a late "sent" never
 * overwrites "read"; "failed" is terminal), and announces each change on conversation.events.
 */
@Service
public class DeliveryStatusStage implements BatchStage<DeliveryStatus> {

    private final MessageStore messages;
    private final TransactionTemplate transaction;

    public DeliveryStatusStage(MessageStore messages, TransactionTemplate transaction) {
        this.messages = messages;
        this.transaction = transaction;
    }

    @Override
    public TopicSpec<DeliveryStatus> input() {
        return Topics.DELIVERY_STATUS;
    }

    @Override
    public List<OutgoingRecord> process(List<StageRecord<DeliveryStatus>> batch) {
        return transaction.execute(tx -> {
            List<OutgoingRecord> output = new ArrayList<>();
            for (StageRecord<DeliveryStatus> record : batch) {
                DeliveryStatus report = record.payload();
                Optional<UUID> conversation = messages.advanceStatus(report.tenantId(), report.messageId(),
                        report.status(), report.providerMessageId(), report.errorCode(), report.errorMessage());
                conversation.ifPresent(conversationId -> output.add(OutgoingRecord.of(Topics.CONVERSATION_EVENTS,
                        new ConversationEvent(
                                DeterministicIds.of("message.status." + report.status().wireName(),
                                        report.messageId()),
                                report.tenantId(), Instant.now(), ConversationEvent.SCHEMA_VERSION,
                                report.correlationId(), ConversationEventType.MESSAGE_STATUS_CHANGED,
                                conversationId, null, report.channel(), null, report.messageId(), "outbound",
                                report.status(), null))));
            }
            return output;
        });
    }
}
