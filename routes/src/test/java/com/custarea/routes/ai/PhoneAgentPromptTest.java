package com.custarea.routes.ai;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class PhoneAgentPromptTest {

    @Test
    void framesTheAgentForThePhoneAndAddsTheTeamsInstructions() {
        List<AgentTools.Definition> tools = List.of(tool("search_knowledge_base"), tool("handoff_to_human"),
                tool("create_ticket"));

        String prompt = PhoneAgentPrompt.of(agent("Ada", "  Mention our billing hours: 9 to 5.  "), tools);

        assertThat(prompt).startsWith("You are Ada, a customer-support agent")
                .contains("only from what search_knowledge_base finds", "call handoff_to_human with the reason",
                        "You can also act for the caller with create_ticket", PhoneAgentPrompt.PHONE_MANNERS,
                        PhoneAgentPrompt.DATA_NOT_INSTRUCTIONS)
                .endsWith("\n\nThe team's instructions:\nMention our billing hours: 9 to 5.");
    }

    @Test
    void namesNoToolTheAgentWasNotGiven() {
        String prompt = PhoneAgentPrompt.of(agent("Ada", ""), List.of());

        assertThat(prompt).doesNotContain("search_knowledge_base", "handoff_to_human", "You can also act",
                "The team's instructions").contains("never make up facts", "the team will follow up");
    }

    private static AgentTools.Definition tool(String name) {
        return new AgentTools.Definition(name, "Does " + name, Map.of("type", "object"));
    }

    private static AiAgents.AiAgent agent(String name, String instructions) {
        return new AiAgents.AiAgent(UUID.randomUUID(), UUID.randomUUID(), name, instructions, "offline", 0.2,
                List.of(), JsonNodeFactory.instance.nullNode(), JsonNodeFactory.instance.objectNode(), List.of(), 0.4,
                Instant.now(), Instant.now());
    }
}
