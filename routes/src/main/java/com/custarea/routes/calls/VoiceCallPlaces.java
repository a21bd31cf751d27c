package com.custarea.routes.calls;

import java.util.UUID;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.Channel;
import org.springframework.stereotype.Service;

/** Where the voice agent works for a call: the tenant's voice line, and the call's conversation, announced. */
@Service
public class VoiceCallPlaces {

    private final ChannelRegistry channels;
    private final CallConversations conversations;
    private final EventPublisher publisher;

    public VoiceCallPlaces(ChannelRegistry channels, CallConversations conversations, EventPublisher publisher) {
        this.channels = channels;
        this.conversations = conversations;
        this.publisher = publisher;
    }

    /** The tenant's voice line {@code channelId}; a 404 problem when the tenant has no such voice line. */
    public ChannelSettings line(UUID tenantId, UUID channelId) {
        return channels.find(tenantId, channelId).filter(channel -> channel.type() == Channel.VOICE)
                .orElseThrow(() -> ProblemException.notFound("No voice line " + channelId));
    }

    /**
     * The call's conversation, its contact and conversation announced when this made them (the agent may be asked
     * before the recorder has seen the call start).
     */
    public CallConversations.CallConversation conversation(ChannelSettings line, UUID callId, String callSid,
                                                           String customerNumber) {
        CallConversations.CallConversation where = conversations.of(line, callSid, customerNumber);
        publisher.publish(conversations.announcements(line, where, correlationId(callId)));
        return where;
    }

    /** The correlation id of everything a call causes. */
    public static String correlationId(UUID callId) {
        return "call-" + callId;
    }
}
