package com.custarea.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.custarea.schemas.PayloadException;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.PayloadValidator;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Fuzzes the dashboard API's request bodies through what every handler does first: parse the JSON and validate it
 * against the operation's schema. Only the declared outcomes may happen (not JSON, or violations naming their
 * field), and in a body the schema accepts, every id the handlers read as a UUID parses as one.
 */
class RequestBodiesFuzzTest {

    private static final List<String> SCHEMAS = schemas();
    /** The fields the handlers read with {@code UUID.fromString}. */
    private static final java.util.Set<String> ID_FIELDS = java.util.Set.of("conversationId", "contactId",
            "channelId", "assigneeId", "mergeContactId", "subscriptionId", "widgetKey");
    private static final java.util.Set<String> ID_LISTS = java.util.Set.of("userIds", "deliveryIds", "channelIds");

    @FuzzTest(maxDuration = "20s")
    void aBodyIsRefusedWithFieldErrorsOrCarriesUsableIds(FuzzedDataProvider data) {
        String schema = SCHEMAS.get(data.consumeInt(0, SCHEMAS.size() - 1));
        String body = data.consumeRemainingAsString();
        JsonNode json;
        try {
            json = PayloadJson.tree(body);
        } catch (PayloadException notJson) {
            return;
        }
        List<PayloadValidator.Violation> violations = PayloadValidator.validate(schema, json);
        if (!violations.isEmpty()) {
            assertThat(violations).allSatisfy(violation -> assertThat(violation.pointer()).isNotNull());
            return;
        }
        idsOf(json).forEach(UUID::fromString);
    }

    /** The ids where the handlers read them: top-level fields, and a workflow's actions. */
    private static Stream<String> idsOf(JsonNode body) {
        Stream<JsonNode> holders = Stream.concat(Stream.of(body), body.path("actions").isArray()
                ? toStream(body.path("actions").elements()) : Stream.empty());
        return holders.filter(JsonNode::isObject).flatMap(holder -> toStream(holder.fields()).flatMap(field -> {
            JsonNode value = field.getValue();
            if (ID_FIELDS.contains(field.getKey()) && value.isTextual()) {
                return Stream.of(value.asText());
            }
            if (ID_LISTS.contains(field.getKey()) && value.isArray()) {
                return toStream(value.elements()).filter(JsonNode::isTextual).map(JsonNode::asText);
            }
            return Stream.empty();
        }));
    }

    private static <T> Stream<T> toStream(java.util.Iterator<T> iterator) {
        Iterable<T> iterable = () -> iterator;
        return java.util.stream.StreamSupport.stream(iterable.spliterator(), false);
    }

    private static List<String> schemas() {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/schemas"))) {
            return files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".schema.json"))
                    .map(name -> name.substring(0, name.length() - ".schema.json".length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
