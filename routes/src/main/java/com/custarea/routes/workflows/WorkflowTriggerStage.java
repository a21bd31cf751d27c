package com.custarea.routes.workflows;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.custarea.routes.support.BatchStage;
import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
import com.custarea.schemas.WorkflowTrigger;
import org.springframework.stereotype.Service;

/**
 * Watches conversation events for what workflows start on (a received message, a conversation created or resolved,
 * a contact created, a call ended) and publishes a trigger, only for tenants with an enabled workflow for it: the
 * check is a cached lookup, so tenants without workflows pay nothing more.
 */
@Service
public class WorkflowTriggerStage implements BatchStage<ConversationEvent> {

    public static final String STAGE = "workflow-triggers";

    private final WorkflowService workflows;

    public WorkflowTriggerStage(WorkflowService workflows) {
        this.workflows = workflows;
    }

    @Override
    public TopicSpec<ConversationEvent> input() {
        return Topics.CONVERSATION_EVENTS;
    }

    @Override
    public List<OutgoingRecord> process(List<StageRecord<ConversationEvent>> batch) {
        List<OutgoingRecord> output = new ArrayList<>();
        for (StageRecord<ConversationEvent> record : batch) {
            ConversationEvent event = record.payload();
            triggerOf(event).filter(type -> workflows.hasTriggerWorkflow(event.tenantId(), type))
                    .ifPresent(type -> output.add(OutgoingRecord.of(Topics.WORKFLOW_TRIGGERS, new WorkflowTrigger(
                            DeterministicIds.of("workflow.trigger", event.eventId()), event.tenantId(),
                            event.occurredAt(), WorkflowTrigger.SCHEMA_VERSION, event.correlationId(),
                            type.wireName(), event.eventId(), event.conversationId(), event.contactId(),
                            event.messageId(), event.channel(), event.channelId()))));
        }
        return output;
    }

    static Optional<WorkflowTriggerType> triggerOf(ConversationEvent event) {
        return switch (event.type()) {
            case MESSAGE_CREATED -> "inbound".equals(event.direction())
                    ? Optional.of(WorkflowTriggerType.MESSAGE_RECEIVED) : Optional.empty();
            case CONVERSATION_CREATED -> Optional.of(WorkflowTriggerType.CONVERSATION_CREATED);
            case CONVERSATION_STATUS_CHANGED -> "resolved".equals(event.conversationStatus())
                    ? Optional.of(WorkflowTriggerType.CONVERSATION_RESOLVED) : Optional.empty();
            case CONTACT_CREATED -> Optional.of(WorkflowTriggerType.CONTACT_CREATED);
            case CALL_ENDED -> Optional.of(WorkflowTriggerType.CALL_ENDED);
            default -> Optional.empty();
        };
    }
}
