package com.custarea.routes.ai;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.custarea.routes.conversations.OutboundDraft;
import com.custarea.routes.conversations.OutboundReplies;
import com.custarea.routes.support.BatchStage;
import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.SqlArrays;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.AiRequest;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The AI processor: asks the answer engine for each request, with the tenant's agent for the channel, and queues
 * its answer as a reply on the conversation. A hand-off pauses the agent on the conversation, sends the customer
 * the engine's polite message and leaves the team a private note with the reason. Ids derive from the request, so a
 * redelivered request never makes a second reply. A widget visitor sees the agent typing while it answers.
 */
@Service
public class AiReplyStage implements BatchStage<AiRequest> {

    static final String SENDER_TYPE = "ai";
    private static final Logger LOG = LoggerFactory.getLogger(AiReplyStage.class);

    private final AnswerEngines engine;
    private final AiAgents agents;
    private final OutboundReplies replies;
    private final EventPublisher publisher;
    private final TransactionTemplate transaction;
    private final NamedParameterJdbcTemplate jdbc;
    private final ExecutorService answering;

    public AiReplyStage(AnswerEngines engine, AiAgents agents, OutboundReplies replies, EventPublisher publisher,
                        TransactionTemplate transaction, NamedParameterJdbcTemplate jdbc,
                        @Value("${custarea.ai.concurrency:8}") int concurrency) {
        this.answering = Executors.newFixedThreadPool(concurrency, runnable -> {
            Thread thread = new Thread(runnable, "ai-answer");
            thread.setDaemon(true);
            return thread;
        });
        this.engine = engine;
        this.agents = agents;
        this.replies = replies;
        this.publisher = publisher;
        this.transaction = transaction;
        this.jdbc = jdbc;
    }

    @Override
    public TopicSpec<AiRequest> input() {
        return Topics.AI_REQUESTS;
    }

    @Override
    public List<OutgoingRecord> process(List<StageRecord<AiRequest>> batch) {
        Set<UUID> handedToHumans = handedToHumans(batch);
        // a model call takes seconds: the batch's requests are answered side by side, a bounded number at once
        List<AiRequest> answered = batch.stream().map(StageRecord::payload)
                .filter(request -> !handedToHumans.contains(request.conversationId())).toList();
        announceTyping(answered);
        List<CompletableFuture<Answer>> pending = new ArrayList<>(answered.size());
        for (AiRequest request : answered) {
            pending.add(CompletableFuture.supplyAsync(() -> new Answer(request, engine.answer(request,
                    agents.forChannel(request.tenantId(), request.channelId()))), answering));
        }
        List<Answer> answers = new ArrayList<>(pending.size());
        for (CompletableFuture<Answer> future : pending) {
            Answer answer;
            try {
                answer = future.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            if (!answer.answer().isSilent()) {
                answers.add(answer);
            }
        }
        if (answers.isEmpty()) {
            return List.of();
        }
        List<OutboundDraft> drafts = new ArrayList<>();
        for (Answer answer : answers) {
            AiRequest request = answer.request();
            if (answer.answer().text() != null) {
                drafts.add(new OutboundDraft(DeterministicIds.of("ai.reply", request.eventId()), request.tenantId(),
                        request.conversationId(), SENDER_TYPE, null, answer.answer().text(), List.of(), false,
                        request.correlationId(), request.eventId(), answer.answer().metadata()));
            }
            List<String> notes = answer.answer().notes();
            for (int i = 0; i < notes.size(); i++) {
                drafts.add(new OutboundDraft(DeterministicIds.of("ai.tool.note", request.eventId() + ":" + i),
                        request.tenantId(), request.conversationId(), SENDER_TYPE, null, notes.get(i), List.of(), true,
                        request.correlationId(), null, Map.of()));
            }
            if (answer.answer().handsOff()) {
                drafts.add(new OutboundDraft(DeterministicIds.of("ai.handoff.note", request.eventId()),
                        request.tenantId(), request.conversationId(), SENDER_TYPE, null,
                        "The AI agent handed this conversation to the team: " + answer.answer().handoffReason(),
                        // no source event: one message per source event, and that is the reply; the note's id
                        // derives from the request, which keeps it once
                        List.of(), true, request.correlationId(), null, Map.of()));
            }
        }
        List<AiRequest> handedOff = answers.stream().filter(answer -> answer.answer().handsOff())
                .map(Answer::request).toList();
        List<OutgoingRecord> toolRecords = answers.stream().flatMap(answer -> answer.answer().records().stream())
                .toList();
        return transaction.execute(tx -> {
            pause(handedOff);
            List<OutgoingRecord> output = new ArrayList<>(replies.queueAll(drafts));
            output.addAll(toolRecords);
            return output;
        });
    }

    /**
     * Tells the widget visitors whose messages the agent is about to answer that it is typing, before the model
     * call (the reply itself ends it). Only widget conversations show typing, and a blank message gets no answer.
     * It is published at once, outside the batch's records, since those go out only after every answer is in; a
     * broker that refuses it costs the visitor the indicator, not the answer.
     */
    private void announceTyping(List<AiRequest> requests) {
        List<OutgoingRecord> typing = requests.stream()
                .filter(request -> request.channel() == Channel.WIDGET && request.text() != null
                        && !request.text().isBlank())
                .map(request -> OutgoingRecord.of(Topics.CONVERSATION_EVENTS, ConversationEvent.ofTyping(
                        DeterministicIds.of("ai.typing", request.eventId()), request.tenantId(),
                        request.correlationId(), request.conversationId(), request.contactId(), request.channel(),
                        request.channelId(), true)))
                .toList();
        try {
            publisher.publish(typing);
        } catch (RuntimeException e) {
            LOG.warn("The AI agent's typing signal was not published: {}", e.getMessage());
        }
    }

    /** The agent stays silent on these conversations until a person or a workflow hands them back. */
    private void pause(List<AiRequest> requests) {
        if (requests.isEmpty()) {
            return;
        }
        jdbc.update("""
                UPDATE conversations c SET ai_paused = true, updated_at = now()
                FROM unnest(CAST(:ids AS uuid[]), CAST(:tenants AS uuid[])) AS wanted(id, tenant_id)
                WHERE c.id = wanted.id AND c.tenant_id = wanted.tenant_id
                """, new MapSqlParameterSource()
                .addValue("ids", SqlArrays.uuids(requests.stream().map(AiRequest::conversationId).toList()))
                .addValue("tenants", SqlArrays.uuids(requests.stream().map(AiRequest::tenantId).toList())));
    }

    @PreDestroy
    void stopAnswering() {
        answering.shutdown();
    }

    /** The conversations of the batch that were handed to the humans: the agent stays silent on them. */
    private Set<UUID> handedToHumans(List<StageRecord<AiRequest>> batch) {
        return new HashSet<>(jdbc.queryForList("""
                SELECT c.id FROM conversations c
                JOIN unnest(CAST(:ids AS uuid[]), CAST(:tenants AS uuid[])) AS wanted(id, tenant_id)
                  ON c.id = wanted.id AND c.tenant_id = wanted.tenant_id
                WHERE c.ai_paused
                """, new MapSqlParameterSource()
                .addValue("ids", SqlArrays.uuids(batch.stream().map(record -> record.payload().conversationId())
                        .toList()))
                .addValue("tenants", SqlArrays.uuids(batch.stream().map(record -> record.payload().tenantId())
                        .toList())), UUID.class));
    }

    private record Answer(AiRequest request, AgentAnswer answer) {
    }
}
