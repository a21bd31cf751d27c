package com.custarea.app.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.custarea.app.api.ApiRequest;
import com.custarea.app.security.Caller;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.kafka.common.TopicPartition;
import org.springframework.stereotype.Component;

/** The handlers of /api/ops/dlq: the tenant's dead letters per topic, and their replay (admins). */
@Component
public class DeadLetterApi {

    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;

    private final DeadLetters deadLetters;

    public DeadLetterApi(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    public void summary(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        request.ok(Map.of("topics", deadLetters.summary(caller.tenantId())));
    }

    public void records(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        int limit = request.query("limit").map(value -> {
            try {
                return Math.max(1, Math.min(MAX_LIMIT, Integer.parseInt(value)));
            } catch (NumberFormatException e) {
                return DEFAULT_LIMIT;
            }
        }).orElse(DEFAULT_LIMIT);
        request.ok(Map.of("records", deadLetters.records(caller.tenantId(), request.path("topic"), limit)));
    }

    public void replay(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        String topic = request.path("topic");
        List<TopicPartition> partitions = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        request.optionalJson("dlq-replay").ifPresent(body -> {
            for (JsonNode record : body.path("records")) {
                partitions.add(new TopicPartition(topic, record.get("partition").asInt()));
                offsets.add(record.get("offset").asLong());
            }
        });
        int replayed = deadLetters.replay(caller.tenantId(), topic, partitions, offsets, caller.userId());
        request.accepted(Map.of("replayed", replayed));
    }
}
