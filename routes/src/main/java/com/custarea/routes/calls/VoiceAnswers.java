package com.custarea.routes.calls;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.ai.AgentAnswer;
import com.custarea.routes.ai.AiAgents;
import com.custarea.routes.ai.AnswerEngines;
import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.AiRequest;
import com.custarea.schemas.Channel;
import org.springframework.stereotype.Service;

/**
 * The AI agent on the phone: what the caller said, answered by the same engines, agent, knowledge base and tools as
 * every text channel, in the call's conversation (whose transcript the recorder keeps, so the agent sees the call so
 * far). A line whose agent is off hands every caller to the team.
 */
@Service
public class VoiceAnswers {

    /** What to say, and whether the call goes to a human after it. */
    public record VoiceAnswer(String text, boolean handoff, String handoffReason) {
    }

    static final String TO_THE_TEAM = "Let me connect you with someone from the team.";

    private final ChannelRegistry channels;
    private final CallConversations conversations;
    private final AnswerEngines engines;
    private final AiAgents agents;
    private final EventPublisher publisher;

    public VoiceAnswers(ChannelRegistry channels, CallConversations conversations, AnswerEngines engines,
                        AiAgents agents, EventPublisher publisher) {
        this.channels = channels;
        this.conversations = conversations;
        this.engines = engines;
        this.agents = agents;
        this.publisher = publisher;
    }

    public VoiceAnswer answer(UUID tenantId, UUID channelId, UUID callId, String callSid, String customerNumber,
                              String utterance) {
        ChannelSettings line = channels.find(tenantId, channelId).filter(channel -> channel.type() == Channel.VOICE)
                .orElseThrow(() -> ProblemException.notFound("No voice line " + channelId));
        if (!line.aiAgentEnabled()) {
            return new VoiceAnswer(TO_THE_TEAM, true, "the AI agent is off on this line");
        }
        CallConversations.CallConversation where = conversations.of(line, callSid, customerNumber);
        // the first answer of a call may come before the recorder has seen the call start
        publisher.publish(conversations.announcements(line, where, "call-" + callId));
        AiRequest request = new AiRequest(UUID.randomUUID(), tenantId, Instant.now(), AiRequest.SCHEMA_VERSION,
                "call-" + callId, where.conversationId(), null, where.contactId(), Channel.VOICE, channelId,
                utterance);
        AgentAnswer answer = engines.answer(request, agents.forChannel(tenantId, channelId));
        // what the agent's tools changed (a ticket, a contact) is announced as from any channel
        publisher.publish(answer.records());
        String text = Optional.ofNullable(answer.text()).orElse("");
        return new VoiceAnswer(text, answer.handoffReason() != null, answer.handoffReason());
    }
}
