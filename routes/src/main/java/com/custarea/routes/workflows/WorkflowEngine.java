package com.custarea.routes.workflows;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.custarea.routes.contacts.ContactService;
import com.custarea.routes.conversations.ConversationService;
import com.custarea.routes.conversations.ConversationView;
import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.TransientFailures;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.WorkflowTrigger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs workflows. A run's id derives from its trigger and workflow, so a redelivered trigger finds its run instead
 * of starting another; each action is recorded as a step in the same transaction as its effect and the records it
 * has to publish, and a step that has a row is never done again (its stored records are only published again).
 * Waits and "no reply within N minutes" are timers in the database, fired by {@link #fireDueTimers()}, so they
 * survive restarts.
 */
@Service
public class WorkflowEngine {

    /** The route that fires due timers (a test stops it to simulate time passing while the application is down). */
    public static final String TIMER_ROUTE_ID = "workflow-timers";
    private static final Logger LOG = LoggerFactory.getLogger(WorkflowEngine.class);

    private final WorkflowService workflows;
    private final WorkflowActions actions;
    private final ConversationService conversations;
    private final ContactService contacts;
    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final EventPublisher publisher;

    public WorkflowEngine(WorkflowService workflows, WorkflowActions actions, ConversationService conversations,
                          ContactService contacts, NamedParameterJdbcTemplate jdbc, TransactionTemplate transaction,
                          EventPublisher publisher) {
        this.publisher = publisher;
        this.workflows = workflows;
        this.actions = actions;
        this.conversations = conversations;
        this.contacts = contacts;
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    /** Starts (or, redelivered, continues) every enabled workflow {@code trigger} starts; returns what to publish. */
    public List<OutgoingRecord> onTrigger(WorkflowTrigger trigger) {
        Optional<WorkflowTriggerType> type = WorkflowTriggerType.fromWireName(trigger.trigger());
        if (type.isEmpty()) {
            return List.of();
        }
        List<StoredWorkflow> candidates = workflows.enabledFor(trigger.tenantId(), type.get().starts());
        if (candidates.isEmpty()) {
            return List.of();
        }
        WorkflowContext context = context(trigger);
        List<OutgoingRecord> records = new ArrayList<>();
        for (StoredWorkflow workflow : candidates) {
            JsonNode on = workflow.definition().path("trigger");
            if (on.has("channels") && !channelListed(on.path("channels"), context)) {
                continue;
            }
            switch (workflow.trigger()) {
                case KEYWORD_MATCHED -> {
                    if (WorkflowConditions.matchesKeyword(on.path("keywords"),
                            context.message().map(m -> m.text()).orElse(null))) {
                        records.addAll(start(workflow, trigger, context));
                    }
                }
                case NO_REPLY -> scheduleNoReply(workflow, trigger, on.path("minutes").asLong());
                default -> records.addAll(start(workflow, trigger, context));
            }
        }
        return records;
    }

    /** Fires the timers that are due, each claimed for a while so that one instance fires it; returns how many. */
    public int fireDueTimers() {
        List<Map<String, Object>> due = jdbc.queryForList("""
                UPDATE workflow_timers t SET locked_until = now() + interval '1 minute'
                WHERE t.id IN (SELECT id FROM workflow_timers
                               WHERE fired_at IS NULL AND due_at <= now()
                                 AND (locked_until IS NULL OR locked_until < now())
                               ORDER BY due_at LIMIT 50 FOR UPDATE SKIP LOCKED)
                RETURNING t.id, t.tenant_id, t.workflow_id, t.kind, t.run_id, t.resume_step, t.trigger::text AS trigger
                """, Map.of());
        for (Map<String, Object> timer : due) {
            UUID id = (UUID) timer.get("id");
            WorkflowTrigger trigger = PayloadJson.read(timer.get("trigger").toString(), WorkflowTrigger.class);
            List<OutgoingRecord> records = "resume".equals(timer.get("kind"))
                    ? resume((UUID) timer.get("run_id"), (Integer) timer.get("resume_step"), trigger)
                    : noReplyDue((UUID) timer.get("workflow_id"), trigger);
            publisher.publish(records);
            // marked only once its records are out: a crash before re-fires it, and its steps are not done twice
            jdbc.update("UPDATE workflow_timers SET fired_at = now() WHERE id = :id", Map.of("id", id));
        }
        return due.size();
    }

    private List<OutgoingRecord> start(StoredWorkflow workflow, WorkflowTrigger trigger, WorkflowContext context) {
        UUID runId = DeterministicIds.of("workflow.run", trigger.eventId() + ":" + workflow.id());
        Optional<String> unmet = WorkflowConditions.firstUnmet(workflow.definition().path("conditions"), context);
        jdbc.update("""
                INSERT INTO workflow_runs (id, tenant_id, workflow_id, workflow_version, trigger_type,
                                           trigger_event_id, conversation_id, contact_id, message_id, status, detail)
                VALUES (:id, :tenantId, :workflowId, :version, :triggerType, :eventId, :conversationId, :contactId,
                        :messageId, :status, :detail)
                ON CONFLICT (id) DO NOTHING
                """, new MapSqlParameterSource().addValue("id", runId).addValue("tenantId", workflow.tenantId())
                .addValue("workflowId", workflow.id()).addValue("version", workflow.version())
                .addValue("triggerType", workflow.trigger().wireName()).addValue("eventId", trigger.eventId())
                .addValue("conversationId", trigger.conversationId()).addValue("contactId", trigger.contactId())
                .addValue("messageId", trigger.messageId())
                .addValue("status", unmet.isPresent() ? "skipped" : "running").addValue("detail", unmet.orElse(null)));
        Map<String, Object> run = jdbc.queryForMap("SELECT status, workflow_version FROM workflow_runs WHERE id = :id",
                Map.of("id", runId));
        if (!"running".equals(run.get("status")) && !"completed".equals(run.get("status"))) {
            return List.of();
        }
        StoredWorkflow version = workflows.atVersion(workflow.tenantId(), workflow.id(),
                (Integer) run.get("workflow_version")).orElse(workflow);
        return execute(new WorkflowRun(runId, version, trigger, context), 0);
    }

    private List<OutgoingRecord> resume(UUID runId, int step, WorkflowTrigger trigger) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT workflow_id, workflow_version, status FROM workflow_runs WHERE id = :id
                """, Map.of("id", runId));
        if (rows.isEmpty()) {
            return List.of();
        }
        Optional<StoredWorkflow> workflow = workflows.atVersion(trigger.tenantId(),
                (UUID) rows.get(0).get("workflow_id"), (Integer) rows.get(0).get("workflow_version"));
        if (workflow.isEmpty()) {
            return List.of();
        }
        transaction.executeWithoutResult(tx -> {
            // the deletion's order here too: this step row and the run's, taken before the workflow's, would meet
            // a deletion holding the workflow's and waiting for them
            if (!lockWorkflowThenRun(workflow.get().id(), runId, false)) {
                return;
            }
            jdbc.update("""
                    UPDATE workflow_run_steps SET status = 'done' WHERE run_id = :id AND step = :step
                      AND status = 'waiting'
                    """, Map.of("id", runId, "step", step - 1));
            jdbc.update("""
                    UPDATE workflow_runs SET status = 'running', updated_at = now()
                    WHERE id = :id AND status = 'waiting'
                    """, Map.of("id", runId));
        });
        return execute(new WorkflowRun(runId, workflow.get(), trigger, context(trigger)), step);
    }

    private List<OutgoingRecord> noReplyDue(UUID workflowId, WorkflowTrigger trigger) {
        if (repliedSince(trigger.tenantId(), trigger.conversationId(), trigger.messageId())) {
            return List.of();
        }
        return workflows.enabledFor(trigger.tenantId(), Set.of(WorkflowTriggerType.NO_REPLY)).stream()
                .filter(workflow -> workflow.id().equals(workflowId)).findFirst()
                .map(workflow -> start(workflow, trigger, context(trigger))).orElse(List.of());
    }

    /** Whether the team answered (publicly) on the conversation after the message. */
    private boolean repliedSince(UUID tenantId, UUID conversationId, UUID messageId) {
        return !jdbc.queryForList("""
                SELECT 1 FROM messages reply
                WHERE reply.tenant_id = :tenantId AND reply.conversation_id = :conversationId
                  AND reply.direction = 'outbound' AND NOT reply.private
                  AND reply.created_at > (SELECT created_at FROM messages WHERE id = :messageId AND tenant_id = :tenantId)
                LIMIT 1
                """, new MapSqlParameterSource().addValue("tenantId", tenantId)
                .addValue("conversationId", conversationId).addValue("messageId", messageId),
                Integer.class).isEmpty();
    }

    private List<OutgoingRecord> execute(WorkflowRun run, int fromStep) {
        List<OutgoingRecord> records = new ArrayList<>();
        JsonNode steps = run.workflow().definition().path("actions");
        for (int step = fromStep; step < steps.size(); step++) {
            JsonNode action = steps.get(step);
            int index = step;
            StepOutcome outcome;
            try {
                outcome = transaction.execute(tx -> {
                    if (!lockWorkflowThenRun(run.workflow().id(), run.id(),
                            action.path("type").asText().equals("assign"))) {
                        // the workflow was deleted, and its runs with it: nothing more to do
                        return new StepOutcome(true, JsonNodeFactory.instance.objectNode(), List.of());
                    }
                    Optional<StepOutcome> earlier = earlierOutcome(run, index, action);
                    if (earlier.isPresent()) {
                        return earlier.get();
                    }
                    StepOutcome did = actions.perform(run, index, action);
                    recordStep(run, index, action, did.waiting() ? "waiting" : "done", did.result(),
                            did.records());
                    if (did.waiting()) {
                        setStatus(run, "waiting", null);
                    }
                    return did;
                });
            } catch (RuntimeException e) {
                if (TransientFailures.isTransient(e)) {
                    throw e;
                }
                LOG.warn("Workflow {} run {} failed at step {} ({}): {}", run.workflow().id(), run.id(), step,
                        action.path("type").asText(), e.getMessage());
                ObjectNode error = JsonNodeFactory.instance.objectNode().put("error", String.valueOf(e.getMessage()));
                transaction.executeWithoutResult(tx -> {
                    recordStep(run, index, action, "failed", error, List.of());
                    setStatus(run, "failed", "step " + index + " (" + action.path("type").asText() + "): "
                            + e.getMessage());
                });
                return records;
            }
            records.addAll(outcome.records());
            if (outcome.waiting()) {
                return records;
            }
        }
        setStatus(run, "completed", null);
        return records;
    }

    /**
     * Locks the workflow's row, then the run's, in the order a workflow's deletion takes them (the workflow, then
     * its runs and their steps by the cascade), so a step and a deletion never wait for each other in a circle. A
     * step that moves the workflow's round-robin cursor (an UPDATE: FOR NO KEY UPDATE) takes that lock up front: a
     * weaker lock raised after the run's row is held could wait for another step of the same workflow that waits
     * for this run; any other step only keeps the workflow from being deleted meanwhile (FOR KEY SHARE, which
     * leaves edits of the workflow and its other runs' steps free). The run's row, locked for the step, makes a
     * timer resuming the run and its redelivered trigger take turns: the later one finds the step's row instead of
     * doing the action again.
     *
     * @return false when the workflow (and so the run) no longer exists
     */
    private boolean lockWorkflowThenRun(UUID workflowId, UUID runId, boolean movesCursor) {
        String workflowLock = movesCursor ? "FOR NO KEY UPDATE" : "FOR KEY SHARE";
        boolean workflowExists = !jdbc.queryForList("SELECT id FROM workflows WHERE id = :id " + workflowLock,
                Map.of("id", workflowId), UUID.class).isEmpty();
        return workflowExists && !jdbc.queryForList("SELECT id FROM workflow_runs WHERE id = :id FOR UPDATE",
                Map.of("id", runId), UUID.class).isEmpty();
    }

    /**
     * What a step that already has a row did: done, its records to publish again (their consumers skip event ids
     * they have seen: a crash may have kept them from Kafka); waiting or failed, the run goes no further from here.
     */
    private Optional<StepOutcome> earlierOutcome(WorkflowRun run, int step, JsonNode action) {
        List<Map<String, Object>> done = jdbc.queryForList("""
                SELECT status, records::text AS records FROM workflow_run_steps WHERE run_id = :id AND step = :step
                """, Map.of("id", run.id(), "step", step));
        if (done.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode none = JsonNodeFactory.instance.objectNode();
        if (!"done".equals(done.get(0).get("status"))) {
            return Optional.of(new StepOutcome(true, none, List.of()));
        }
        // a step stored before the column has no records
        Object stored = done.get(0).get("records");
        return Optional.of(new StepOutcome(false, none, stored == null ? actions.replay(run, step, action)
                : StepRecords.read(stored.toString())));
    }

    private void recordStep(WorkflowRun run, int step, JsonNode action, String status, ObjectNode result,
                            List<OutgoingRecord> records) {
        jdbc.update("""
                INSERT INTO workflow_run_steps (run_id, step, action, status, result, records)
                VALUES (:id, :step, :action, :status, CAST(:result AS jsonb), CAST(:records AS jsonb))
                ON CONFLICT (run_id, step) DO NOTHING
                """, new MapSqlParameterSource().addValue("id", run.id()).addValue("step", step)
                .addValue("action", action.path("type").asText()).addValue("status", status)
                .addValue("result", result.toString()).addValue("records", StepRecords.write(records)));
    }

    private void setStatus(WorkflowRun run, String status, String detail) {
        jdbc.update("""
                UPDATE workflow_runs SET status = :status, detail = COALESCE(CAST(:detail AS text), detail),
                                         updated_at = now()
                WHERE id = :id
                """, new MapSqlParameterSource().addValue("id", run.id()).addValue("status", status)
                .addValue("detail", detail));
    }

    /**
     * Starts the conversation's "no reply" clock for the workflow, one clock per conversation: a message while it
     * runs for an earlier unanswered one changes nothing (the silence began then); once that one has an answer, the
     * clock starts again from this message.
     */
    private void scheduleNoReply(StoredWorkflow workflow, WorkflowTrigger trigger, long minutes) {
        if (trigger.conversationId() == null || trigger.messageId() == null) {
            return;
        }
        Timestamp due = Timestamp.from(trigger.occurredAt().plus(Duration.ofMinutes(minutes)));
        transaction.executeWithoutResult(tx -> {
            // a timer being fired right now (locked) is left to finish; this message gets a clock of its own
            List<Map<String, Object>> pending = jdbc.queryForList("""
                    SELECT id, trigger ->> 'messageId' AS message_id FROM workflow_timers
                    WHERE tenant_id = :tenantId AND workflow_id = :workflowId AND kind = 'no_reply'
                      AND fired_at IS NULL AND trigger ->> 'conversationId' = :conversationId
                      AND (locked_until IS NULL OR locked_until < now())
                    FOR UPDATE SKIP LOCKED
                    """, new MapSqlParameterSource().addValue("tenantId", trigger.tenantId())
                    .addValue("workflowId", workflow.id())
                    .addValue("conversationId", trigger.conversationId().toString()));
            if (pending.isEmpty()) {
                jdbc.update("""
                        INSERT INTO workflow_timers (id, tenant_id, workflow_id, kind, trigger, due_at)
                        VALUES (:id, :tenantId, :workflowId, 'no_reply', CAST(:trigger AS jsonb), :due)
                        ON CONFLICT (id) DO NOTHING
                        """, new MapSqlParameterSource()
                        .addValue("id", DeterministicIds.of("workflow.no_reply", trigger.eventId() + ":"
                                + workflow.id()))
                        .addValue("tenantId", trigger.tenantId()).addValue("workflowId", workflow.id())
                        .addValue("trigger", PayloadJson.write(trigger)).addValue("due", due));
                return;
            }
            UUID pendingMessage = UUID.fromString(pending.get(0).get("message_id").toString());
            if (!pendingMessage.equals(trigger.messageId())
                    && repliedSince(trigger.tenantId(), trigger.conversationId(), pendingMessage)) {
                jdbc.update("""
                        UPDATE workflow_timers SET trigger = CAST(:trigger AS jsonb), due_at = :due WHERE id = :id
                        """, new MapSqlParameterSource().addValue("id", pending.get(0).get("id"))
                        .addValue("trigger", PayloadJson.write(trigger)).addValue("due", due));
            }
        });
    }

    private WorkflowContext context(WorkflowTrigger trigger) {
        UUID tenantId = trigger.tenantId();
        var conversation = trigger.conversationId() == null ? Optional.<ConversationView>empty()
                : conversations.find(tenantId, trigger.conversationId());
        UUID contactId = trigger.contactId() != null ? trigger.contactId()
                : conversation.map(c -> c.contactId()).orElse(null);
        return new WorkflowContext(trigger, conversation,
                contactId == null ? Optional.empty() : contacts.find(tenantId, contactId),
                trigger.messageId() == null ? Optional.empty() : conversations.message(tenantId, trigger.messageId()),
                Instant.now());
    }

    private static boolean channelListed(JsonNode channels, WorkflowContext context) {
        Optional<Object> channel = context.value("channel");
        for (JsonNode listed : channels) {
            if (channel.isPresent() && listed.asText().equals(channel.get())) {
                return true;
            }
        }
        return false;
    }
}
