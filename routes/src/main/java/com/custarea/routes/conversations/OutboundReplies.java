package com.custarea.routes.conversations;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.MessageStatus;
import com.custarea.schemas.OutboundMessage;
import com.custarea.schemas.Topics;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Queues a reply on a conversation: stores it as a queued outbound message and returns the records that send and
 * announce it (outbound.&lt;channel&gt; and conversation.events). Queuing the same reply id twice stores it once.
 */
@Service
public class OutboundReplies {

    private final NamedParameterJdbcTemplate jdbc;
    private final MessageStore messages;

    public OutboundReplies(NamedParameterJdbcTemplate jdbc, MessageStore messages) {
        this.jdbc = jdbc;
        this.messages = messages;
    }

    /**
     * @param replyId       our id of the reply: derive it from its cause so a redelivered cause repeats it
     * @param senderType    agent, ai or system
     * @param sourceEventId the event that caused the reply, if any
     * @return the records to publish, or empty when the tenant has no such conversation
     */
    @Transactional(propagation = Propagation.REQUIRED)
    public Optional<List<OutgoingRecord>> queue(UUID tenantId, UUID conversationId, UUID replyId, String senderType,
                                                String text, String correlationId, UUID sourceEventId) {
        Optional<ConversationAddress> address = addressOf(tenantId, conversationId);
        if (address.isEmpty()) {
            return Optional.empty();
        }
        ConversationAddress to = address.get();
        messages.insertOutbound(replyId, tenantId, conversationId, to.channelId(), senderType, text, correlationId,
                sourceEventId);
        messages.touchConversation(tenantId, conversationId, false);
        Instant now = Instant.now();
        OutboundMessage outbound = new OutboundMessage(DeterministicIds.of("outbound", replyId), tenantId, now,
                OutboundMessage.SCHEMA_VERSION, correlationId, replyId, conversationId, to.contactId(), to.channel(),
                to.channelId(), to.recipient(), senderType, null, text, null, List.of(), null, List.of(), Map.of());
        ConversationEvent created = new ConversationEvent(DeterministicIds.of("message.created", replyId), tenantId,
                now, ConversationEvent.SCHEMA_VERSION, correlationId, ConversationEventType.MESSAGE_CREATED,
                conversationId, to.contactId(), to.channel(), to.channelId(), replyId, "outbound",
                MessageStatus.QUEUED, text == null || text.length() <= 200 ? text : text.substring(0, 200));
        return Optional.of(List.of(
                OutgoingRecord.of(Topics.CONVERSATION_EVENTS, created),
                OutgoingRecord.of(Topics.outbound(to.channel()), outbound)));
    }

    private Optional<ConversationAddress> addressOf(UUID tenantId, UUID conversationId) {
        return jdbc.query("""
                SELECT channel, channel_id, contact_id, recipient_type, recipient_value FROM conversations
                WHERE id = :id AND tenant_id = :tenantId
                """, Map.of("id", conversationId, "tenantId", tenantId), (row, i) -> new ConversationAddress(
                Channel.fromWireName(row.getString("channel")),
                row.getObject("channel_id", UUID.class),
                row.getObject("contact_id", UUID.class),
                ContactIdentifier.of(IdentifierType.fromWireName(row.getString("recipient_type")),
                        row.getString("recipient_value")))).stream().findFirst();
    }

    private record ConversationAddress(Channel channel, UUID channelId, UUID contactId, ContactIdentifier recipient) {
    }
}
