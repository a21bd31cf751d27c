package com.custarea.routes.ai;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.DeterministicIds;
import com.custarea.schemas.AiRequest;
import com.custarea.schemas.Channel;
import com.custarea.schemas.InboundMessage;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The AI agent's request to answer an inbound message, one per message whoever asks (ingest as it arrives, a
 * workflow handing the conversation back): one id, from which the reply's id derives so the message is answered
 * once, and one text, the message's text for the agent (an e-mail's reply without the quoted thread).
 */
@Component
public class AnswerRequests {

    private final NamedParameterJdbcTemplate jdbc;

    public AnswerRequests(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The id of the request to answer the stored message {@code messageId}. */
    public static UUID idFor(UUID messageId) {
        return DeterministicIds.of("ai.request", messageId);
    }

    /** The request to answer {@code message}, which arrived and was stored as {@code messageId}. */
    public static AiRequest forArrived(InboundMessage message, UUID messageId, UUID conversationId, UUID contactId,
                                       Instant at) {
        return new AiRequest(idFor(messageId), message.tenantId(), at, AiRequest.SCHEMA_VERSION,
                message.correlationId(), conversationId, messageId, contactId, message.channel(),
                message.channelId(), message.textForAgent());
    }

    /**
     * The request to answer the tenant's stored message {@code messageId} again, with the text ingest gave the
     * agent; empty when the tenant has no such message.
     */
    public Optional<AiRequest> forStored(UUID tenantId, UUID messageId, String correlationId, UUID conversationId,
                                         UUID contactId, Channel channel, UUID channelId) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT text, metadata ->> :replyText AS reply_text FROM messages
                WHERE id = :id AND tenant_id = :tenantId
                """, new MapSqlParameterSource().addValue("replyText", InboundMessage.REPLY_TEXT)
                .addValue("id", messageId).addValue("tenantId", tenantId));
        return rows.stream().findFirst().map(row -> new AiRequest(idFor(messageId), tenantId, Instant.now(),
                AiRequest.SCHEMA_VERSION, correlationId, conversationId, messageId, contactId, channel, channelId,
                InboundMessage.textForAgent((String) row.get("text"), (String) row.get("reply_text"))));
    }
}
