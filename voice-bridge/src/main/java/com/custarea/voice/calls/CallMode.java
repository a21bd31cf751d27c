package com.custarea.voice.calls;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How the AI agent is put on the line: our speech engines, OpenAI Realtime, or Twilio's ConversationRelay. */
public enum CallMode {
    /** Media Streams → speech recognition → the agent → speech synthesis → Media Streams. */
    LEGACY("legacy"),
    /** Media Streams bridged to the OpenAI Realtime API, μ-law passed straight through. */
    REALTIME("realtime"),
    /** Twilio ConversationRelay: Twilio does the speech, we exchange text. */
    CONVRELAY("convrelay");

    private final String wireName;

    CallMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<CallMode> fromWireName(String name) {
        return name == null ? Optional.empty() : Arrays.stream(values())
                .filter(mode -> mode.wireName.equals(name.toLowerCase(Locale.ROOT))).findFirst();
    }
}
