package com.custarea.routes.calls;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.contacts.ContactService;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.twilio.TwilioAccount;
import com.custarea.routes.twilio.TwilioRestClients;
import com.custarea.schemas.CallEvent;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import com.twilio.exception.ApiException;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.type.PhoneNumber;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Phone calls of a tenant: placing one to a contact through the Twilio API (Twilio then asks the voice bridge for
 * its TwiML, so the AI agent is on the line in the chosen mode), and reading a call with its transcript. Every query
 * is scoped by the tenant.
 */
@Service
public class PhoneCalls {

    private static final List<String> MODES = List.of("legacy", "realtime", "convrelay");

    private final NamedParameterJdbcTemplate jdbc;
    private final ChannelRegistry channels;
    private final ContactService contacts;
    private final CallConversations conversations;
    private final TwilioRestClients twilio;
    private final EventPublisher publisher;
    private final VoiceLineAccounts accounts;
    private final String bridgeUrl;

    public PhoneCalls(NamedParameterJdbcTemplate jdbc, ChannelRegistry channels, ContactService contacts,
                      CallConversations conversations, TwilioRestClients twilio, EventPublisher publisher,
                      VoiceLineAccounts accounts, @Value("${custarea.voice.bridge-public-url:}") String bridgeUrl) {
        this.accounts = accounts;
        this.publisher = publisher;
        this.jdbc = jdbc;
        this.channels = channels;
        this.contacts = contacts;
        this.conversations = conversations;
        this.twilio = twilio;
        this.bridgeUrl = bridgeUrl.replaceAll("/+$", "");
    }

    /** Calls the contact from the tenant's voice line ({@code channelId}, or its only one) in {@code mode}. */
    public CallView place(UUID tenantId, UUID contactId, UUID channelId, String mode) {
        ChannelSettings line = line(tenantId, channelId);
        String callMode = mode != null ? mode : line.setting("mode").orElse("convrelay");
        if (!MODES.contains(callMode)) {
            throw ProblemException.badRequest("mode must be one of " + MODES, List.of());
        }
        String to = contacts.find(tenantId, contactId)
                .orElseThrow(() -> ProblemException.notFound("No contact " + contactId))
                .identifiers().stream().filter(identifier -> identifier.type() == IdentifierType.PHONE)
                .map(ContactIdentifier::value).findFirst()
                .orElseThrow(() -> ProblemException.badRequest("The contact has no phone number", List.of()));
        TwilioAccount account = accounts.of(line).orElseThrow(() -> ProblemException.badRequest(
                "The voice line has no Twilio account (accountSid and auth token) to call with", List.of()));
        if (bridgeUrl.isBlank()) {
            throw new ProblemException(503, "voice-bridge-unknown", "Service unavailable", "Set "
                    + "CUSTAREA_VOICE_PUBLIC_BASE_URL: Twilio asks the voice bridge what to do with the call",
                    List.of(), null);
        }
        String from = line.setting(TwilioAccount.PHONE_NUMBER).orElseThrow();
        Call call;
        try {
            call = Call.creator(new PhoneNumber(to), new PhoneNumber(from),
                            URI.create(bridgeUrl + "/twiml/voice?mode=" + callMode))
                    .setStatusCallback(URI.create(bridgeUrl + "/twiml/status"))
                    .setStatusCallbackEvent(List.of("initiated", "ringing", "answered", "completed"))
                    .create(twilio.of(account));
        } catch (ApiException refused) {
            int status = refused.getStatusCode() != null && refused.getStatusCode() >= 400
                    && refused.getStatusCode() < 500 ? 400 : 502;
            throw new ProblemException(status, "twilio-refused", status == 400 ? "Invalid request" : "Bad gateway",
                    "Twilio refused the call" + (refused.getCode() == null ? "" : " (" + refused.getCode() + ")")
                            + ": " + refused.getMessage(), List.of(), null);
        }
        UUID id = CallEvent.callIdOf(call.getSid());
        CallConversations.CallConversation where = conversations.of(line, call.getSid(), to);
        publisher.publish(conversations.announcements(line, where, "call-" + id));
        jdbc.update("""
                INSERT INTO calls (id, tenant_id, channel_id, conversation_id, contact_id, call_sid, direction, mode,
                                   from_number, to_number, status)
                VALUES (:id, :t, :channel, :conversation, :contact, :sid, 'outbound', :mode, :from, :to, 'queued')
                ON CONFLICT (tenant_id, call_sid) DO NOTHING
                """, new MapSqlParameterSource().addValue("id", id).addValue("t", tenantId)
                .addValue("channel", line.id()).addValue("conversation", where.conversationId())
                .addValue("contact", where.contactId()).addValue("sid", call.getSid()).addValue("mode", callMode)
                .addValue("from", from).addValue("to", to));
        return find(tenantId, id).orElseThrow();
    }

    /** The tenant's call {@code id} with its transcript. */
    public Optional<CallView> find(UUID tenantId, UUID id) {
        List<CallView.TranscriptLine> transcript = jdbc.query("""
                SELECT direction, text, created_at FROM messages
                WHERE tenant_id = :t AND metadata ->> :key = :id AND NOT private
                ORDER BY created_at, (metadata ->> :sequence)::int
                """, new MapSqlParameterSource().addValue("t", tenantId).addValue("id", id.toString())
                .addValue("key", CallRecorderStage.CALL_ID).addValue("sequence", CallRecorderStage.CALL_SEQUENCE),
                (row, i) -> new CallView.TranscriptLine("inbound".equals(row.getString("direction")) ? "caller"
                        : "agent", row.getString("text"), row.getTimestamp("created_at").toInstant()));
        return jdbc.query("SELECT * FROM calls WHERE id = :id AND tenant_id = :t", Map.of("id", id, "t", tenantId),
                (row, i) -> view(row, transcript)).stream().findFirst();
    }

    private ChannelSettings line(UUID tenantId, UUID channelId) {
        if (channelId != null) {
            return channels.find(tenantId, channelId).filter(channel -> channel.type() == Channel.VOICE)
                    .orElseThrow(() -> ProblemException.notFound("No voice line " + channelId));
        }
        List<ChannelSettings> lines = channels.list(tenantId).stream()
                .filter(channel -> channel.type() == Channel.VOICE && channel.enabled()).toList();
        if (lines.size() != 1) {
            throw ProblemException.badRequest(lines.isEmpty() ? "The tenant has no voice line"
                    : "The tenant has several voice lines: name one with channelId", List.of());
        }
        return lines.get(0);
    }

    private static CallView view(ResultSet row, List<CallView.TranscriptLine> transcript) throws SQLException {
        return new CallView(row.getObject("id", UUID.class), row.getString("call_sid"),
                row.getObject("channel_id", UUID.class), row.getObject("conversation_id", UUID.class),
                row.getObject("contact_id", UUID.class), row.getString("direction"), row.getString("mode"),
                row.getString("from_number"), row.getString("to_number"), row.getString("status"),
                row.getString("end_reason"), (Integer) row.getObject("duration_seconds"),
                instant(row.getTimestamp("started_at")), instant(row.getTimestamp("ended_at")),
                instant(row.getTimestamp("created_at")), transcript);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
