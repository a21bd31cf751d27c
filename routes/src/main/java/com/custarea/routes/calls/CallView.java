package com.custarea.routes.calls;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A call as the dashboard shows it: who called whom, how it was answered, how it ended, and its transcript.
 *
 * @param status queued (placed, not yet connected), in_progress or ended
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CallView(UUID id, String callSid, UUID channelId, UUID conversationId, UUID contactId,
                       String direction, String mode, String from, String to, String status, String endReason,
                       Integer durationSeconds, Instant startedAt, Instant endedAt, Instant createdAt,
                       List<TranscriptLine> transcript) {

    /** One thing said on the call: by the caller or the agent. */
    public record TranscriptLine(String speaker, String text, Instant at) {
    }
}
