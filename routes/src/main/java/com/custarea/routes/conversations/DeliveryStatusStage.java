package com.custarea.routes.conversations;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        List<DeliveryStatus> reports = batch.stream().map(StageRecord::payload).toList();
        List<StatusChange> changes = transaction.execute(tx -> messages.advanceStatus(reports));
        Map<UUID, DeliveryStatus> reportOf = new HashMap<>();
        reports.forEach(report -> reportOf.putIfAbsent(report.messageId(), report));
        Instant now = Instant.now();
        return changes.stream().map(change -> {
            DeliveryStatus report = reportOf.get(change.messageId());
            return OutgoingRecord.of(Topics.CONVERSATION_EVENTS, new ConversationEvent(
                    DeterministicIds.of("message.status." + change.status().wireName(), change.messageId()),
                    report.tenantId(), now, ConversationEvent.SCHEMA_VERSION, report.correlationId(),
                    ConversationEventType.MESSAGE_STATUS_CHANGED, change.conversationId(), null, report.channel(),
                    null, change.messageId(), "outbound", change.status(), null));
        }).toList();
    }
}
