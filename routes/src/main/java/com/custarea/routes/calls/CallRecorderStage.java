package com.custarea.routes.calls;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.support.BatchStage;
import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.CallEvent;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import com.custarea.schemas.MessageStatus;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The call recorder: turns calls.events into the customer's conversation timeline. A call's start opens (or finds)
 * its row and its conversation; each transcript segment becomes a message of its speaker (the caller's inbound, the
 * agent's outbound, never sent anywhere) at the time it was spoken; a tool call becomes a private note; the end
 * closes the row with its duration and reason and announces call.ended for workflows and webhooks. Every write is
 * keyed by the call and the event's place in it, so a redelivered event changes nothing.
 */
@Service
public class CallRecorderStage implements BatchStage<CallEvent> {

    public static final String STAGE = "call-recorder";
    /** Metadata of a transcript message: the call it was said on. */
    public static final String CALL_ID = "call.id";
    public static final String CALL_SEQUENCE = "call.sequence";

    private static final int PREVIEW = 200;

    private final NamedParameterJdbcTemplate jdbc;
    private final ChannelRegistry channels;
    private final CallConversations conversations;
    private final TransactionTemplate transaction;

    public CallRecorderStage(NamedParameterJdbcTemplate jdbc, ChannelRegistry channels,
                             CallConversations conversations, TransactionTemplate transaction) {
        this.jdbc = jdbc;
        this.channels = channels;
        this.conversations = conversations;
        this.transaction = transaction;
    }

    @Override
    public TopicSpec<CallEvent> input() {
        return Topics.CALLS_EVENTS;
    }

    @Override
    public List<OutgoingRecord> process(List<StageRecord<CallEvent>> batch) {
        List<OutgoingRecord> output = new ArrayList<>();
        for (StageRecord<CallEvent> record : batch) {
            CallEvent event = record.payload();
            Optional<ChannelSettings> line = channels.find(event.tenantId(), event.channelId())
                    .filter(channel -> channel.type() == Channel.VOICE);
            if (line.isEmpty()) {
                throw new IllegalArgumentException("Call " + event.callId() + " is on " + event.channelId()
                        + ", which is not a voice channel of tenant " + event.tenantId());
            }
            output.addAll(transaction.execute(tx -> record(event, line.get())));
        }
        return output;
    }

    private List<OutgoingRecord> record(CallEvent event, ChannelSettings line) {
        List<OutgoingRecord> output = new ArrayList<>();
        Call call = call(event).orElseGet(() -> open(event, line, output));
        switch (event.type()) {
            case CallEvent.STARTED -> jdbc.update("""
                    UPDATE calls SET status = CASE WHEN status = 'ended' THEN status ELSE 'in_progress' END,
                                     started_at = COALESCE(started_at, :at), updated_at = now()
                    WHERE id = :id AND tenant_id = :t
                    """, params(event).addValue("at", Timestamp.from(event.occurredAt())));
            case CallEvent.TRANSCRIPT -> {
                boolean caller = CallEvent.CALLER.equals(event.speaker());
                message(event, call, caller ? "inbound" : "outbound", caller ? "contact" : "ai", event.text(),
                        false, output);
            }
            case CallEvent.TOOL_CALL -> message(event, call, "outbound", "system", "The voice agent used "
                    + event.toolName() + (event.toolArguments() == null ? "" : " " + event.toolArguments()), true,
                    output);
            case CallEvent.ENDED -> {
                int updated = jdbc.update("""
                        UPDATE calls SET status = 'ended', end_reason = :reason, duration_seconds = :duration,
                                         ended_at = :at, updated_at = now()
                        WHERE id = :id AND tenant_id = :t AND status <> 'ended'
                        """, params(event).addValue("reason", event.endReason())
                        .addValue("duration", event.durationSeconds()).addValue("at",
                                Timestamp.from(event.occurredAt())));
                if (updated == 1) {
                    output.add(OutgoingRecord.of(Topics.CONVERSATION_EVENTS, new ConversationEvent(
                            DeterministicIds.of("call.ended", event.callId()), event.tenantId(), event.occurredAt(),
                            ConversationEvent.SCHEMA_VERSION, event.correlationId(), ConversationEventType.CALL_ENDED,
                            call.conversationId(), call.contactId(), Channel.VOICE, event.channelId(), null, null,
                            null, "Call " + event.endReason() + " after " + event.durationSeconds() + " s")));
                }
            }
            default -> throw new IllegalArgumentException("Unknown call event type " + event.type());
        }
        return output;
    }

    /** The call's row, made from this event when the start has not been seen (an outbound call is made earlier). */
    private Call open(CallEvent event, ChannelSettings line, List<OutgoingRecord> output) {
        String customer = "outbound".equals(event.direction()) ? event.to() : event.from();
        CallConversations.CallConversation where = conversations.of(line, event.callSid(), customer);
        jdbc.update("""
                INSERT INTO calls (id, tenant_id, channel_id, conversation_id, contact_id, call_sid, direction, mode,
                                   from_number, to_number, status)
                VALUES (:id, :t, :channel, :conversation, :contact, :sid, :direction, :mode, :from, :to, 'queued')
                ON CONFLICT (tenant_id, call_sid) DO UPDATE SET
                    conversation_id = COALESCE(calls.conversation_id, EXCLUDED.conversation_id),
                    contact_id = COALESCE(calls.contact_id, EXCLUDED.contact_id), updated_at = now()
                """, params(event).addValue("channel", event.channelId()).addValue("conversation",
                        where.conversationId()).addValue("contact", where.contactId())
                .addValue("sid", event.callSid()).addValue("direction", event.direction())
                .addValue("mode", event.mode()).addValue("from", event.from()).addValue("to", event.to()));
        output.addAll(conversations.announcements(line, where, event.correlationId()));
        return call(event).orElseThrow();
    }

    private void message(CallEvent event, Call call, String direction, String senderType, String text,
                         boolean privateNote, List<OutgoingRecord> output) {
        UUID id = DeterministicIds.of("call.message", event.callId() + ":" + event.sequence());
        MessageStatus status = "inbound".equals(direction) ? MessageStatus.RECEIVED : MessageStatus.DELIVERED;
        int inserted = jdbc.update("""
                INSERT INTO messages (id, tenant_id, conversation_id, channel_id, direction, sender_type, text,
                                      metadata, private, status, provider_message_id, correlation_id, created_at,
                                      status_updated_at)
                VALUES (:id, :t, :conversation, :channel, :direction, :sender, :text, CAST(:metadata AS jsonb),
                        :private, :status, :provider, :correlation, :at, :at)
                ON CONFLICT DO NOTHING
                """, params(event).addValue("id", id).addValue("conversation", call.conversationId())
                .addValue("channel", event.channelId()).addValue("direction", direction)
                .addValue("sender", senderType).addValue("text", text)
                .addValue("metadata", PayloadJson.write(Map.of(CALL_ID, event.callId().toString(), CALL_SEQUENCE,
                        Integer.toString(event.sequence()))))
                .addValue("private", privateNote).addValue("status", status.wireName())
                .addValue("provider", "call:" + event.callId() + ":" + event.sequence())
                .addValue("correlation", event.correlationId())
                .addValue("at", Timestamp.from(event.occurredAt())));
        if (inserted == 1) {
            jdbc.update("""
                    UPDATE conversations SET last_message_at = GREATEST(last_message_at, :at), updated_at = now()
                    WHERE id = :conversation AND tenant_id = :t
                    """, params(event).addValue("conversation", call.conversationId())
                    .addValue("at", Timestamp.from(event.occurredAt())));
            output.add(OutgoingRecord.of(Topics.CONVERSATION_EVENTS, new ConversationEvent(
                    DeterministicIds.of("message.created", id), event.tenantId(), event.occurredAt(),
                    ConversationEvent.SCHEMA_VERSION, event.correlationId(), ConversationEventType.MESSAGE_CREATED,
                    call.conversationId(), call.contactId(), Channel.VOICE, event.channelId(), id, direction, status,
                    text.length() <= PREVIEW ? text : text.substring(0, PREVIEW))));
        }
    }

    private Optional<Call> call(CallEvent event) {
        return jdbc.query("""
                SELECT conversation_id, contact_id FROM calls WHERE tenant_id = :t AND call_sid = :sid
                  AND conversation_id IS NOT NULL
                """, params(event).addValue("sid", event.callSid()), (row, i) -> new Call(
                row.getObject("conversation_id", UUID.class), row.getObject("contact_id", UUID.class)))
                .stream().findFirst();
    }

    private static MapSqlParameterSource params(CallEvent event) {
        return new MapSqlParameterSource().addValue("id", event.callId()).addValue("t", event.tenantId());
    }

    /** Where a call's timeline goes. */
    private record Call(UUID conversationId, UUID contactId) {
    }
}
