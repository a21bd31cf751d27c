package com.custarea.routes.calls;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.ai.AgentTools;
import com.custarea.routes.ai.AiAgents;
import com.custarea.routes.ai.AiBudgets;
import com.custarea.routes.ai.PhoneAgentPrompt;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.EventPublisher;
import com.custarea.schemas.AiRequest;
import com.custarea.schemas.Channel;
import com.custarea.schemas.PayloadJson;
import org.springframework.stereotype.Service;

/**
 * The tenant's AI agent as a realtime voice model runs it: what a call's model session is given (the agent's
 * instructions framed for the phone and the tools it was given, or why the call goes to the team instead), the
 * model's tool calls, run by {@link AgentTools} in the call's conversation as for any text channel, and the model's
 * usage, counted in the tenant's daily AI budget like a chat model's.
 */
@Service
public class RealtimeVoiceAgent {

    /**
     * A call's model session: whether the agent answers it, and if not why; its instructions and tool definitions.
     */
    public record Setup(boolean on, String offReason, String instructions, List<AgentTools.Definition> tools) {

        static Setup off(String reason) {
            return new Setup(false, reason, null, List.of());
        }
    }

    /** Where a tool call comes from: the line, the call, and the model's id of the call. */
    public record ToolCall(UUID tenantId, UUID channelId, UUID callId, String callSid, String customerNumber,
                           String toolCallId, String name, String arguments) {
    }

    private final VoiceCallPlaces places;
    private final AiAgents agents;
    private final AiBudgets budgets;
    private final AgentTools tools;
    private final EventPublisher publisher;

    public RealtimeVoiceAgent(VoiceCallPlaces places, AiAgents agents, AiBudgets budgets, AgentTools tools,
                              EventPublisher publisher) {
        this.places = places;
        this.agents = agents;
        this.budgets = budgets;
        this.tools = tools;
        this.publisher = publisher;
    }

    /** The session of a new call on the line {@code channelId}; off when the agent is off, missing or over budget. */
    public Setup setup(UUID tenantId, UUID channelId) {
        ChannelSettings line = places.line(tenantId, channelId);
        if (!line.aiAgentEnabled()) {
            return Setup.off("the AI agent is off on this line");
        }
        Optional<AiAgents.AiAgent> agent = agents.forChannel(tenantId, channelId);
        if (agent.isEmpty()) {
            return Setup.off("no AI agent answers on this line");
        }
        Optional<String> exhausted = budgets.exhausted(tenantId);
        if (exhausted.isPresent()) {
            return Setup.off(exhausted.get());
        }
        List<AgentTools.Definition> offered = tools.enabledFor(agent.get());
        return new Setup(true, null, PhoneAgentPrompt.of(agent.get(), offered), offered);
    }

    /**
     * Runs one tool call of the model's and announces what it changed; the result (JSON) is what the model reads,
     * an error included. The effects' ids derive from the tenant, the call and the model's call id, so a repeated
     * request opens no second ticket. The team's note of the call is the recorder's (the bridge sends every tool
     * call to calls.events), so the outcome's note is not stored a second time.
     */
    public String call(ToolCall call) {
        ChannelSettings line = places.line(call.tenantId(), call.channelId());
        Optional<AiAgents.AiAgent> agent = agents.forChannel(call.tenantId(), call.channelId());
        if (!line.aiAgentEnabled() || agent.isEmpty()) {
            return PayloadJson.write(Map.of("error", "the AI agent is off on this line"));
        }
        CallConversations.CallConversation where = places.conversation(line, call.callId(), call.callSid(),
                call.customerNumber());
        AiRequest request = new AiRequest(DeterministicIds.of("voice.tool", call.tenantId() + ":" + call.callId()
                + ":" + call.toolCallId()), call.tenantId(), Instant.now(), AiRequest.SCHEMA_VERSION,
                VoiceCallPlaces.correlationId(call.callId()), where.conversationId(), null, where.contactId(),
                Channel.VOICE, call.channelId(), null);
        AgentTools.Outcome outcome = tools.call(new AgentTools.Session(request, agent.get()), call.name(),
                call.arguments());
        publisher.publish(outcome.records());
        return outcome.result();
    }

    /** Counts one response of a call's model and the tokens it used in the tenant's daily budget. */
    public void recordUsage(UUID tenantId, UUID channelId, long tokens) {
        places.line(tenantId, channelId);
        budgets.record(tenantId, tokens);
    }

}
