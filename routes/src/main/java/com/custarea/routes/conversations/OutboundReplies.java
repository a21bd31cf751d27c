package com.custarea.routes.conversations;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.SqlArrays;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.MessageStatus;
import com.custarea.schemas.OutboundMessage;
import com.custarea.schemas.Topics;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Queues replies on conversations: stores each as a queued outbound message and returns the records that send and
 * announce it (outbound.&lt;channel&gt; and conversation.events); a private note is stored and announced, never sent.
 * Queuing the same reply id twice stores it once.
 */
@Service
public class OutboundReplies {

    private static final int PREVIEW_LENGTH = 200;

    private final NamedParameterJdbcTemplate jdbc;
    private final MessageStore messages;

    public OutboundReplies(NamedParameterJdbcTemplate jdbc, MessageStore messages) {
        this.jdbc = jdbc;
        this.messages = messages;
    }

    /** Queues one reply; empty when the tenant has no such conversation. */
    @Transactional(propagation = Propagation.REQUIRED)
    public Optional<List<OutgoingRecord>> queue(UUID tenantId, UUID conversationId, UUID replyId, String senderType,
                                                String text, String correlationId, UUID sourceEventId) {
        OutboundDraft draft = OutboundDraft.automated(replyId, tenantId, conversationId, senderType, text,
                correlationId, sourceEventId);
        List<OutgoingRecord> records = queueAll(List.of(draft));
        return records.isEmpty() ? Optional.empty() : Optional.of(records);
    }

    /** Queues every reply whose conversation belongs to its tenant, and returns what to publish for them. */
    @Transactional(propagation = Propagation.REQUIRED)
    public List<OutgoingRecord> queueAll(List<OutboundDraft> drafts) {
        Map<UUID, ConversationAddress> addresses = addressesOf(drafts);
        List<OutboundDraft> known = drafts.stream()
                .filter(draft -> addresses.containsKey(draft.conversationId())
                        && addresses.get(draft.conversationId()).tenantId().equals(draft.tenantId()))
                .toList();
        messages.insertOutbound(known, known.stream()
                .map(draft -> addresses.get(draft.conversationId()).channelId()).toList());
        messages.touchConversations(known.stream()
                .map(draft -> Map.entry(draft.tenantId(), draft.conversationId())).toList(), false);
        Instant now = Instant.now();
        List<OutgoingRecord> output = new ArrayList<>(known.size() * 2);
        for (OutboundDraft draft : known) {
            ConversationAddress to = addresses.get(draft.conversationId());
            ConversationEvent created = new ConversationEvent(DeterministicIds.of("message.created", draft.id()),
                    draft.tenantId(), now, ConversationEvent.SCHEMA_VERSION, draft.correlationId(),
                    ConversationEventType.MESSAGE_CREATED, draft.conversationId(), to.contactId(), to.channel(),
                    to.channelId(), draft.id(), "outbound",
                    draft.privateNote() ? MessageStatus.RECEIVED : MessageStatus.QUEUED, preview(draft.text()));
            output.add(OutgoingRecord.of(Topics.CONVERSATION_EVENTS, created));
            if (!draft.privateNote()) {
                OutboundMessage outbound = new OutboundMessage(DeterministicIds.of("outbound", draft.id()),
                        draft.tenantId(), now, OutboundMessage.SCHEMA_VERSION, draft.correlationId(), draft.id(),
                        draft.conversationId(), to.contactId(), to.channel(), to.channelId(), to.recipient(),
                        draft.senderType(), null, draft.text(), null, draft.attachments(), null, List.of(),
                        draft.metadata());
                output.add(OutgoingRecord.of(Topics.outbound(to.channel()), outbound));
            }
        }
        return output;
    }

    private Map<UUID, ConversationAddress> addressesOf(List<OutboundDraft> drafts) {
        Map<UUID, ConversationAddress> addresses = new HashMap<>();
        if (drafts.isEmpty()) {
            return addresses;
        }
        jdbc.query("""
                SELECT id, tenant_id, channel, channel_id, contact_id, recipient_type, recipient_value
                FROM conversations
                WHERE id = ANY(CAST(:ids AS uuid[])) AND tenant_id = ANY(CAST(:tenants AS uuid[]))
                """, new MapSqlParameterSource()
                .addValue("ids", SqlArrays.uuids(drafts.stream().map(OutboundDraft::conversationId).toList()))
                .addValue("tenants", SqlArrays.uuids(drafts.stream().map(OutboundDraft::tenantId).toList())),
                row -> {
                    addresses.put(row.getObject("id", UUID.class), new ConversationAddress(
                            row.getObject("tenant_id", UUID.class),
                            Channel.fromWireName(row.getString("channel")),
                            row.getObject("channel_id", UUID.class),
                            row.getObject("contact_id", UUID.class),
                            ContactIdentifier.of(IdentifierType.fromWireName(row.getString("recipient_type")),
                                    row.getString("recipient_value"))));
                });
        return addresses;
    }

    private static String preview(String text) {
        return text == null || text.length() <= PREVIEW_LENGTH ? text : text.substring(0, PREVIEW_LENGTH);
    }

    private record ConversationAddress(UUID tenantId, Channel channel, UUID channelId, UUID contactId,
                                       ContactIdentifier recipient) {
    }
}
