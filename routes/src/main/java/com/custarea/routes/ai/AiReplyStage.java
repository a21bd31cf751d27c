package com.custarea.routes.ai;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.custarea.routes.conversations.OutboundDraft;
import com.custarea.routes.conversations.OutboundReplies;
import com.custarea.routes.support.BatchStage;
import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.SqlArrays;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.AiRequest;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The AI processor: asks the answer engine for each request and queues its answer as a reply on the conversation.
 * The reply's id derives from the request, so a redelivered request never makes a second reply.
 */
@Service
public class AiReplyStage implements BatchStage<AiRequest> {

    static final String SENDER_TYPE = "ai";

    private final AnswerEngine engine;
    private final OutboundReplies replies;
    private final TransactionTemplate transaction;
    private final NamedParameterJdbcTemplate jdbc;

    public AiReplyStage(AnswerEngine engine, OutboundReplies replies, TransactionTemplate transaction,
                        NamedParameterJdbcTemplate jdbc) {
        this.engine = engine;
        this.replies = replies;
        this.transaction = transaction;
        this.jdbc = jdbc;
    }

    @Override
    public TopicSpec<AiRequest> input() {
        return Topics.AI_REQUESTS;
    }

    @Override
    public List<OutgoingRecord> process(List<StageRecord<AiRequest>> batch) {
        List<Answer> answers = new ArrayList<>(batch.size());
        Set<UUID> handedToHumans = handedToHumans(batch);
        for (StageRecord<AiRequest> record : batch) {
            if (handedToHumans.contains(record.payload().conversationId())) {
                continue;
            }
            engine.answer(record.payload()).ifPresent(text -> answers.add(new Answer(record.payload(), text)));
        }
        if (answers.isEmpty()) {
            return List.of();
        }
        List<OutboundDraft> drafts = answers.stream().map(answer -> OutboundDraft.automated(
                DeterministicIds.of("ai.reply", answer.request().eventId()), answer.request().tenantId(),
                answer.request().conversationId(), SENDER_TYPE, answer.text(), answer.request().correlationId(),
                answer.request().eventId())).toList();
        return transaction.execute(tx -> replies.queueAll(drafts));
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

    private record Answer(AiRequest request, String text) {
    }
}
