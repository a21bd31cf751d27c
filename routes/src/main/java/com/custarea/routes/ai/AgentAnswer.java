package com.custarea.routes.ai;

import java.util.List;
import java.util.Map;

import com.custarea.routes.support.OutgoingRecord;

/**
 * What the AI agent does with a customer's message: stay silent (no text), answer (text, with its citations and
 * engine in metadata), or hand the conversation to the humans (a polite text, and the reason for the team). Notes
 * are private notes for the team (the tools the agent used); records are what its tools changed, to announce.
 */
public record AgentAnswer(String text, Map<String, String> metadata, String handoffReason, List<String> notes,
                          List<OutgoingRecord> records) {

    /** Metadata keys the agent's replies carry to the channel (the API channel's callback shows them). */
    public static final String ENGINE = "ai.engine";
    public static final String CITATIONS = "ai.citations";
    public static final String CONFIDENCE = "ai.confidence";
    public static final String MODEL = "ai.model";

    public AgentAnswer {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        notes = notes == null ? List.of() : List.copyOf(notes);
        records = records == null ? List.of() : List.copyOf(records);
    }

    public static AgentAnswer silent() {
        return new AgentAnswer(null, Map.of(), null, List.of(), List.of());
    }

    public static AgentAnswer reply(String text, Map<String, String> metadata) {
        return new AgentAnswer(text, metadata, null, List.of(), List.of());
    }

    public static AgentAnswer handoff(String text, String reason, Map<String, String> metadata) {
        return new AgentAnswer(text, metadata, reason, List.of(), List.of());
    }

    /** This answer with the team notes and records of the tools that led to it. */
    public AgentAnswer withEffects(List<String> toolNotes, List<OutgoingRecord> toolRecords) {
        return new AgentAnswer(text, metadata, handoffReason, toolNotes, toolRecords);
    }

    public boolean isSilent() {
        return text == null && handoffReason == null && notes.isEmpty() && records.isEmpty();
    }

    public boolean handsOff() {
        return handoffReason != null;
    }
}
