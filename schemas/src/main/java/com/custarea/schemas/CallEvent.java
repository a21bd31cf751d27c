package com.custarea.schemas;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Something that happened on a live call, as the voice bridge publishes it: the call started (with caller, callee and
 * mode), a transcript segment (speaker, text, when), a tool call of the agent, or the call ended (duration and
 * reason). The call recorder turns them into the contact's conversation timeline; {@code sequence} orders one call's
 * events (they share a partition, keyed by call id).
 *
 * @param type      started, transcript, tool_call or ended
 * @param direction inbound or outbound
 * @param mode      legacy, realtime or convrelay
 * @param speaker   caller or agent (transcript)
 * @param endReason completed, caller_hung_up, handoff, failed, socket_lost … (ended)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CallEvent(
        UUID eventId,
        UUID tenantId,
        Instant occurredAt,
        int schemaVersion,
        String correlationId,
        UUID callId,
        UUID channelId,
        String type,
        int sequence,
        String callSid,
        String direction,
        String mode,
        String from,
        String to,
        String speaker,
        String text,
        String toolName,
        String toolArguments,
        Integer durationSeconds,
        String endReason) implements EventEnvelope {

    public static final int SCHEMA_VERSION = 1;
    public static final String STARTED = "started";
    public static final String TRANSCRIPT = "transcript";
    public static final String TOOL_CALL = "tool_call";
    public static final String ENDED = "ended";
    public static final String CALLER = "caller";
    public static final String AGENT = "agent";

    /** The id of the call Twilio knows as {@code callSid}: the bridge and integration-app derive the same one. */
    public static UUID callIdOf(String callSid) {
        return UUID.nameUUIDFromBytes(("call:" + callSid).getBytes(StandardCharsets.UTF_8));
    }
}
