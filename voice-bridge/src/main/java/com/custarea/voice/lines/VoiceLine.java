package com.custarea.voice.lines;

import java.util.UUID;

import com.custarea.voice.calls.CallMode;

/**
 * A tenant's phone number as the bridge needs it: whose it is, how its calls are answered, the Twilio account that
 * signs its webhooks and places its calls, and what the agent is told.
 *
 * @param instructions   the AI agent's instructions (its persona and rules), for the modes that hand them to a model
 * @param greeting       what the agent says when it picks up
 * @param transferNumber where a call the agent hands over is put through to (a person or a queue), if anywhere
 */
public record VoiceLine(UUID tenantId, UUID channelId, String phoneNumber, CallMode mode, String accountSid,
                        String authToken, String instructions, String greeting, String language, String voice,
                        String transferNumber) {
}
