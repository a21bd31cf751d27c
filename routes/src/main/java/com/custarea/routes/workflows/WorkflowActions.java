package com.custarea.routes.workflows;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import com.custarea.routes.ai.AgentDeployments;
import com.custarea.routes.ai.AnswerRequests;
import com.custarea.routes.conversations.ConversationChange;
import com.custarea.routes.conversations.ConversationService;
import com.custarea.routes.conversations.ConversationView;
import com.custarea.routes.conversations.OutboundDraft;
import com.custarea.routes.conversations.OutboundReplies;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.SqlArrays;
import com.custarea.routes.teams.TeamService;
import com.custarea.routes.tickets.TicketService;
import com.custarea.routes.tickets.TicketView;
import com.custarea.routes.webhooks.WebhookFanoutStage;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The actions a workflow can take, each idempotent by construction: what it creates has an id derived from the run
 * and the step, so doing a step again (a redelivered trigger) changes nothing and yields the same records. Only
 * round-robin assignment has a choice to make, and the run log keeps it.
 */
@Component
class WorkflowActions {

    static final String SENDER_TYPE = "system";
    static final String WEBHOOK_EVENT = "workflow.action";

    private final NamedParameterJdbcTemplate jdbc;
    private final ConversationService conversations;
    private final OutboundReplies replies;
    private final TicketService tickets;
    private final WebhookFanoutStage webhooks;
    private final AgentDeployments deployments;
    private final AnswerRequests answerRequests;
    private final TeamService teams;

    WorkflowActions(NamedParameterJdbcTemplate jdbc, ConversationService conversations, OutboundReplies replies,
                    TicketService tickets, WebhookFanoutStage webhooks, AgentDeployments deployments,
                    AnswerRequests answerRequests, TeamService teams) {
        this.jdbc = jdbc;
        this.answerRequests = answerRequests;
        this.teams = teams;
        this.conversations = conversations;
        this.replies = replies;
        this.tickets = tickets;
        this.webhooks = webhooks;
        this.deployments = deployments;
    }

    /** Does step {@code step}, whose action is {@code action}, inside the caller's transaction. */
    StepOutcome perform(WorkflowRun run, int step, JsonNode action) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        List<OutgoingRecord> records = new ArrayList<>();
        switch (action.path("type").asText()) {
            case "assign" -> {
                UUID assignee = nextAssignee(run, action);
                result.put("assigneeId", assignee.toString());
                records.addAll(change(run, new ConversationChange(null, true, assignee, null, null, false, null,
                        false, null)));
            }
            case "add_label" -> {
                ConversationView conversation = conversation(run);
                List<String> labels = new ArrayList<>(conversation.labels());
                String label = action.path("label").asText();
                if (!labels.contains(label)) {
                    labels.add(label);
                    records.addAll(change(run, new ConversationChange(null, false, null, labels, null, false, null,
                            false, null)));
                }
                result.put("label", label);
            }
            case "set_priority" -> {
                String priority = action.path("priority").asText();
                records.addAll(change(run, new ConversationChange(null, false, null, null, priority, false, null,
                        false, null)));
                result.put("priority", priority);
            }
            case "send_reply" -> {
                UUID reply = run.effectId("workflow.reply", step);
                records.addAll(reply(run, reply, WorkflowConditions.render(action.path("text").asText(),
                        run.context()), false));
                result.put("messageId", reply.toString());
            }
            case "create_ticket" -> {
                UUID ticketId = run.effectId("workflow.ticket", step);
                TicketView ticket = tickets.create(ticketId, run.tenantId(),
                        WorkflowConditions.render(action.path("subject").asText(), run.context()),
                        action.has("description") ? WorkflowConditions.render(action.path("description").asText(),
                                run.context()) : null,
                        run.trigger().conversationId(), run.trigger().conversationId() == null
                                ? run.trigger().contactId() : null,
                        action.has("priority") && !"none".equals(action.path("priority").asText())
                                ? action.path("priority").asText() : null, null, null);
                records.add(OutgoingRecord.of(Topics.CONVERSATION_EVENTS, ConversationEvent.ofTicket(
                        run.effectId("workflow.ticket.created", step), run.tenantId(), correlationId(run),
                        ConversationEventType.TICKET_CREATED, ticket.id(), ticket.conversationId(),
                        ticket.contactId())));
                result.put("ticketId", ticket.id().toString());
            }
            case "handoff" -> records.addAll(handoff(run, step, action, result));
            case "send_webhook" -> {
                UUID subscription = UUID.fromString(action.path("subscriptionId").asText());
                UUID eventId = run.effectId("workflow.webhook", step);
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("workflowId", run.workflow().id());
                data.put("workflowName", run.workflow().name());
                data.put("runId", run.id());
                data.put("trigger", run.trigger().trigger());
                data.put("conversationId", run.trigger().conversationId());
                data.put("contactId", run.trigger().contactId());
                data.put("messageId", run.trigger().messageId());
                data.values().removeIf(Objects::isNull);
                webhooks.enqueue(run.tenantId(), subscription, eventId, WEBHOOK_EVENT, data);
                result.put("eventId", eventId.toString());
            }
            case "wait" -> {
                Instant due = Instant.now().plus(Duration.ofMinutes(action.path("minutes").asLong()));
                jdbc.update("""
                        INSERT INTO workflow_timers (id, tenant_id, workflow_id, kind, run_id, resume_step, trigger,
                                                     due_at)
                        VALUES (:id, :tenantId, :workflowId, 'resume', :runId, :resumeStep,
                                CAST(:trigger AS jsonb), :due)
                        ON CONFLICT (id) DO NOTHING
                        """, new MapSqlParameterSource().addValue("id", run.effectId("workflow.wait", step))
                        .addValue("tenantId", run.tenantId()).addValue("workflowId", run.workflow().id())
                        .addValue("runId", run.id()).addValue("resumeStep", step + 1)
                        .addValue("trigger", PayloadJson.write(run.trigger()))
                        .addValue("due", Timestamp.from(due)));
                result.put("resumesAt", due.toString());
                return new StepOutcome(true, result, records);
            }
            default -> throw new WorkflowActionException("Unknown action " + action.path("type").asText());
        }
        return new StepOutcome(false, result, records);
    }

    /**
     * The records a step already done has to publish again when its trigger is redelivered, for a step recorded
     * before steps kept their records (V11): a reply is queued again under the same id, which stores nothing new.
     */
    List<OutgoingRecord> replay(WorkflowRun run, int step, JsonNode action) {
        String type = action.path("type").asText();
        if (type.equals("send_reply")) {
            return reply(run, run.effectId("workflow.reply", step), WorkflowConditions.render(
                    action.path("text").asText(), run.context()), false);
        }
        return List.of();
    }

    private List<OutgoingRecord> handoff(WorkflowRun run, int step, JsonNode action, ObjectNode result) {
        ConversationView conversation = conversation(run);
        boolean toHuman = action.path("to").asText().equals("human");
        result.put("to", action.path("to").asText());
        List<OutgoingRecord> records = new ArrayList<>();
        if (toHuman) {
            jdbc.update("UPDATE conversations SET ai_paused = true, updated_at = now() WHERE id = :id AND tenant_id = :t",
                    Map.of("id", conversation.id(), "t", run.tenantId()));
            String note = action.has("note") ? WorkflowConditions.render(action.path("note").asText(), run.context())
                    : "Handed to the team by the workflow \"" + run.workflow().name() + "\"";
            records.addAll(reply(run, run.effectId("workflow.handoff.note", step), note, true));
            return records;
        }
        boolean wasPaused = jdbc.update("""
                UPDATE conversations SET ai_paused = false, updated_at = now()
                WHERE id = :id AND tenant_id = :t AND ai_paused
                """, Map.of("id", conversation.id(), "t", run.tenantId())) == 1;
        result.put("resumedAgent", wasPaused);
        // while the agent was on, ingest's own request answers the message; while it was paused, that request was
        // (or will be) skipped, so the agent is asked again with ingest's very request (same id, same text): should
        // both reach the agent, the reply's id, derived from the request's, keeps one answer
        if (wasPaused && run.trigger().messageId() != null
                && deployments.shouldAgentRespond(run.tenantId(), conversation.channelId())) {
            answerRequests.forStored(run.tenantId(), run.trigger().messageId(), correlationId(run),
                    conversation.id(), conversation.contactId(), Channel.fromWireName(conversation.channel()),
                    conversation.channelId()).ifPresent(request -> {
                        records.add(OutgoingRecord.of(Topics.AI_REQUESTS, request));
                        result.put("aiRequested", true);
                    });
        }
        return records;
    }

    private List<OutgoingRecord> reply(WorkflowRun run, UUID id, String text, boolean privateNote) {
        ConversationView conversation = conversation(run);
        OutboundDraft draft = new OutboundDraft(id, run.tenantId(), conversation.id(), SENDER_TYPE, null, text,
                List.of(), privateNote, correlationId(run), run.trigger().eventId(), Map.of());
        return replies.queueAll(List.of(draft));
    }

    /** The next of the action's users, or of its team's members, in turn; disabled users are skipped. */
    private UUID nextAssignee(WorkflowRun run, JsonNode action) {
        List<UUID> candidates = new ArrayList<>();
        List<UUID> active;
        if (action.has("teamId")) {
            candidates.addAll(teams.activeMembers(run.tenantId(), UUID.fromString(action.get("teamId").asText())));
            active = candidates;
        } else {
            action.path("userIds").forEach(id -> candidates.add(UUID.fromString(id.asText())));
            active = jdbc.queryForList("""
                    SELECT id FROM users WHERE tenant_id = :tenantId AND NOT disabled
                      AND id = ANY(CAST(:ids AS uuid[]))
                    """, new MapSqlParameterSource().addValue("tenantId", run.tenantId())
                    .addValue("ids", SqlArrays.uuids(candidates)), UUID.class);
        }
        if (active.isEmpty()) {
            throw new WorkflowActionException(action.has("teamId") ? "The team has no active member"
                    : "None of the users to assign is active");
        }
        long position = jdbc.queryForObject("""
                UPDATE workflows SET round_robin_cursor = round_robin_cursor + 1
                WHERE id = :id AND tenant_id = :tenantId RETURNING round_robin_cursor - 1
                """, Map.of("id", run.workflow().id(), "tenantId", run.tenantId()), Long.class);
        // the order of the definition, skipping users who are no longer active
        List<UUID> ordered = candidates.stream().filter(active::contains).toList();
        return ordered.get((int) Math.floorMod(position, (long) ordered.size()));
    }

    private List<OutgoingRecord> change(WorkflowRun run, ConversationChange change) {
        ConversationView conversation = conversation(run);
        return conversations.update(run.tenantId(), conversation.id(), change, correlationId(run))
                .map(ConversationService.Changed::events).orElse(List.of());
    }

    private ConversationView conversation(WorkflowRun run) {
        if (run.trigger().conversationId() == null) {
            throw new WorkflowActionException("The trigger " + run.trigger().trigger() + " has no conversation");
        }
        return conversations.find(run.tenantId(), run.trigger().conversationId())
                .orElseThrow(() -> new WorkflowActionException("The conversation no longer exists"));
    }

    private static String correlationId(WorkflowRun run) {
        return run.trigger().correlationId() != null ? run.trigger().correlationId() : run.id().toString();
    }
}
