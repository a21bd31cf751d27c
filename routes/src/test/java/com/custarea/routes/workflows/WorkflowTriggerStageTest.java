package com.custarea.routes.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;

import com.custarea.schemas.Channel;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import com.custarea.schemas.MessageStatus;
import org.junit.jupiter.api.Test;

class WorkflowTriggerStageTest {

    @Test
    void inboundMessagesCreatedConversationsResolutionsNewContactsAndEndedCallsAreTriggers() {
        assertThat(WorkflowTriggerStage.triggerOf(message("inbound")))
                .contains(WorkflowTriggerType.MESSAGE_RECEIVED);
        assertThat(WorkflowTriggerStage.triggerOf(event(ConversationEventType.CONVERSATION_CREATED, null)))
                .contains(WorkflowTriggerType.CONVERSATION_CREATED);
        assertThat(WorkflowTriggerStage.triggerOf(event(ConversationEventType.CONVERSATION_STATUS_CHANGED,
                "resolved"))).contains(WorkflowTriggerType.CONVERSATION_RESOLVED);
        assertThat(WorkflowTriggerStage.triggerOf(ConversationEvent.ofContact(UUID.randomUUID(), UUID.randomUUID(),
                "c", ConversationEventType.CONTACT_CREATED, UUID.randomUUID(), null)))
                .contains(WorkflowTriggerType.CONTACT_CREATED);
        assertThat(WorkflowTriggerStage.triggerOf(event(ConversationEventType.CALL_ENDED, null)))
                .contains(WorkflowTriggerType.CALL_ENDED);
    }

    @Test
    void ourOwnRepliesOtherStatusesAndOtherEventsAreNot() {
        assertThat(WorkflowTriggerStage.triggerOf(message("outbound"))).isEmpty();
        assertThat(WorkflowTriggerStage.triggerOf(event(ConversationEventType.CONVERSATION_STATUS_CHANGED,
                "open"))).isEmpty();
        assertThat(WorkflowTriggerStage.triggerOf(event(ConversationEventType.CONVERSATION_STATUS_CHANGED,
                "pending"))).isEmpty();
        for (ConversationEventType type : new ConversationEventType[] {ConversationEventType.CONVERSATION_UPDATED,
                ConversationEventType.MESSAGE_STATUS_CHANGED, ConversationEventType.CONTACT_UPDATED,
                ConversationEventType.CONTACT_MERGED, ConversationEventType.TICKET_CREATED,
                ConversationEventType.TICKET_UPDATED}) {
            assertThat(WorkflowTriggerStage.triggerOf(event(type, "resolved"))).as(type.wireName()).isEmpty();
        }
    }

    @Test
    void aReceivedMessageAlsoStartsKeywordAndNoReplyWorkflows() {
        assertThat(WorkflowTriggerType.MESSAGE_RECEIVED.starts()).containsExactlyInAnyOrder(
                WorkflowTriggerType.MESSAGE_RECEIVED, WorkflowTriggerType.KEYWORD_MATCHED,
                WorkflowTriggerType.NO_REPLY);
        assertThat(WorkflowTriggerType.CALL_ENDED.starts()).containsExactly(WorkflowTriggerType.CALL_ENDED);
    }

    private static ConversationEvent message(String direction) {
        return new ConversationEvent(UUID.randomUUID(), UUID.randomUUID(), Instant.now(),
                ConversationEvent.SCHEMA_VERSION, "c", ConversationEventType.MESSAGE_CREATED, UUID.randomUUID(),
                UUID.randomUUID(), Channel.API, UUID.randomUUID(), UUID.randomUUID(), direction,
                MessageStatus.RECEIVED, "hi");
    }

    private static ConversationEvent event(ConversationEventType type, String conversationStatus) {
        return new ConversationEvent(UUID.randomUUID(), UUID.randomUUID(), Instant.now(),
                ConversationEvent.SCHEMA_VERSION, "c", type, UUID.randomUUID(), UUID.randomUUID(), Channel.API,
                UUID.randomUUID(), null, null, null, null, null, null, conversationStatus);
    }
}
