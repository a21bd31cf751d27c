package com.custarea.voice.lines;

import java.util.Optional;

/** Finds the voice line of a number: the tenant's voice channel that owns it. */
public interface VoiceLines {

    /** The line whose number is {@code phoneNumber} (E.164), if a tenant has one. */
    Optional<VoiceLine> byNumber(String phoneNumber);
}
