package com.custarea.routes.ai;

import java.util.ArrayList;
import java.util.List;

import com.custarea.routes.conversations.OutboundDraft;
import com.custarea.routes.conversations.OutboundReplies;
import com.custarea.routes.support.BatchStage;
import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.AiRequest;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
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

    public AiReplyStage(AnswerEngine engine, OutboundReplies replies, TransactionTemplate transaction) {
        this.engine = engine;
        this.replies = replies;
        this.transaction = transaction;
    }

    @Override
    public TopicSpec<AiRequest> input() {
        return Topics.AI_REQUESTS;
    }

    @Override
    public List<OutgoingRecord> process(List<StageRecord<AiRequest>> batch) {
        List<Answer> answers = new ArrayList<>(batch.size());
        for (StageRecord<AiRequest> record : batch) {
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

    private record Answer(AiRequest request, String text) {
    }
}
