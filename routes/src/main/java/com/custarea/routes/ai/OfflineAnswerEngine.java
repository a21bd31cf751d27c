package com.custarea.routes.ai;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import com.custarea.routes.ai.kb.KnowledgeIndex;
import com.custarea.routes.ai.kb.KnowledgeSearch;
import com.custarea.routes.ai.kb.TextChunker;
import com.custarea.schemas.AiRequest;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.springframework.stereotype.Component;

/**
 * The answer engine that needs no model: it answers only with what the agent's knowledge base says. When the best
 * passage is similar enough to the question (the agent's answer threshold), the answer is that passage cut to its
 * most relevant sentences, with the source's title; otherwise, or when the customer uses one of the agent's
 * hand-off words, the conversation goes to the humans with a polite message. It never writes a sentence of its own
 * about the subject.
 */
@Component
public class OfflineAnswerEngine implements AnswerEngine {

    static final String ENGINE = "offline";
    public static final String HANDOFF_TEXT = "Thank you for your message. I'm passing it to a colleague from our team, "
            + "who will get back to you as soon as possible.";
    private static final int MAX_SENTENCES = 3;
    /** Sentences this close to the best one's similarity join it in the answer. */
    private static final double SENTENCE_MARGIN = 0.12;

    private final KnowledgeSearch search;
    private final TextChunker chunker;

    public OfflineAnswerEngine(KnowledgeSearch search, TextChunker chunker) {
        this.search = search;
        this.chunker = chunker;
    }

    @Override
    public AgentAnswer answer(AiRequest request, Optional<AiAgents.AiAgent> agent) {
        String question = request.text();
        if (question == null || question.isBlank()) {
            return AgentAnswer.silent();
        }
        if (agent.isEmpty()) {
            return handoff("No AI agent is set up for this channel", agent);
        }
        Optional<String> keyword = handoffKeyword(agent.get().handoffRules(), question);
        if (keyword.isPresent()) {
            return handoff("The customer wrote \"" + keyword.get() + "\", one of the agent's hand-off words",
                    agent);
        }
        List<KnowledgeIndex.Hit> hits = search.search(request.tenantId(), agent.get().id(), question, 3);
        double threshold = agent.get().answerThreshold();
        if (hits.isEmpty()) {
            return handoff("No passage answers the question: the knowledge base is empty", agent);
        }
        KnowledgeIndex.Hit best = hits.get(0);
        Excerpt excerpt = excerpt(question, best.text());
        // a short question is closer to the one sentence that answers it than to the whole passage around it
        double confidence = Math.max(best.similarity(), excerpt.similarity());
        if (confidence < threshold) {
            return handoff(String.format(Locale.ROOT, "No passage answers the question: the closest passage "
                    + "(\"%s\") has a similarity of %.2f, below the agent's %.2f", best.title(), confidence,
                    threshold), agent);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(AgentAnswer.ENGINE, ENGINE);
        metadata.put(AgentAnswer.CONFIDENCE, String.format(Locale.ROOT, "%.3f", confidence));
        metadata.put(AgentAnswer.CITATIONS, PayloadJson.write(List.of(Map.of("documentId",
                best.documentId().toString(), "chunkId", best.chunkId(), "title", best.title(),
                "similarity", Math.round(confidence * 1000) / 1000.0))));
        return AgentAnswer.reply(excerpt.text() + "\n\n(Source: " + best.title()
                + (best.heading() == null || best.heading().isBlank() || best.heading().equals(best.title()) ? ""
                : ", " + best.heading()) + ")", metadata);
    }

    /** The sentences of a passage that answer, and how close the best of them is to the question. */
    private record Excerpt(String text, double similarity) {
    }

    /** The passage's sentences most similar to the question, at most three, in the passage's order. */
    private Excerpt excerpt(String question, String passage) {
        List<String> sentences = chunker.sentences(passage);
        if (sentences.isEmpty()) {
            return new Excerpt(passage, 0);
        }
        double[] similarity = search.similarities(question, sentences);
        double best = IntStream.range(0, similarity.length).mapToDouble(i -> similarity[i]).max().orElse(0);
        List<Integer> chosen = new ArrayList<>(IntStream.range(0, sentences.size()).boxed()
                .filter(i -> similarity[i] >= best - SENTENCE_MARGIN)
                .sorted(Comparator.comparingDouble(i -> -similarity[i])).limit(MAX_SENTENCES).toList());
        chosen.sort(Comparator.naturalOrder());
        return new Excerpt(String.join(" ", chosen.stream().map(sentences::get).toList()), best);
    }

    private static Optional<String> handoffKeyword(JsonNode rules, String question) {
        String lower = question.toLowerCase(Locale.ROOT);
        List<String> words = new ArrayList<>();
        rules.path("keywords").forEach(word -> words.add(word.asText()));
        return words.stream().filter(word -> !word.isBlank() && lower.contains(word.toLowerCase(Locale.ROOT)))
                .findFirst();
    }

    /** Hands off with the polite text, and when the team is away, when it is back. */
    private static AgentAnswer handoff(String reason, Optional<AiAgents.AiAgent> agent) {
        return AgentAnswer.handoff(BusinessHours.withAwayNotice(HANDOFF_TEXT, agent, Instant.now()), reason,
                Map.of(AgentAnswer.ENGINE, ENGINE));
    }
}
