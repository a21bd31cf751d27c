package com.custarea.schemas;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/** Validates JSON against the schemas under {@code /schemas/} (JSON Schema 2020-12, formats asserted). */
public final class PayloadValidator {

    /** The base of every schema's {@code $id}; it resolves to the classpath folder {@code schemas/}. */
    public static final String SCHEMA_BASE_URI = "https://schemas.custarea.dev/";

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(mappers -> mappers.mapPrefix(SCHEMA_BASE_URI, "classpath:schemas/")));
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .build();
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    private PayloadValidator() {
    }

    /** One problem with a JSON document: the JSON Pointer of the field, and what is wrong with it. */
    public record Violation(String pointer, String message) {

        @Override
        public String toString() {
            return pointer + ": " + message;
        }
    }

    /** The problems of {@code json} against schema {@code schemaName}, each naming its field; empty when valid. */
    public static List<Violation> validate(String schemaName, JsonNode json) {
        JsonSchema schema = SCHEMAS.computeIfAbsent(schemaName, name -> FACTORY.getSchema(
                SchemaLocation.of(SCHEMA_BASE_URI + name + ".schema.json"), CONFIG));
        Set<ValidationMessage> messages = schema.validate(json);
        return messages.stream()
                .map(PayloadValidator::toViolation)
                .sorted(Comparator.comparing(Violation::pointer))
                .toList();
    }

    /** {@link #validate} as text lines, each starting with the field's JSON Pointer. */
    public static List<String> violations(String schemaName, JsonNode json) {
        return validate(schemaName, json).stream().map(Violation::toString).toList();
    }

    private static Violation toViolation(ValidationMessage message) {
        String pointer = message.getInstanceLocation().toString();
        // a missing or unexpected property is reported on its parent; point at the property itself
        if (("required".equals(message.getType()) || "additionalProperties".equals(message.getType()))
                && message.getProperty() != null) {
            pointer = (pointer.equals("/") || pointer.isEmpty() ? "" : pointer) + "/" + message.getProperty();
        }
        if (pointer.isEmpty()) {
            pointer = "/";
        }
        String text = message.getMessage();
        String prefix = message.getInstanceLocation() + ": ";
        if (text.startsWith(prefix)) {
            text = text.substring(prefix.length());
        }
        return new Violation(pointer, text);
    }

    /** Throws a {@link PayloadException} naming every violation of {@code json} against {@code schemaName}. */
    public static void requireValid(String schemaName, JsonNode json) {
        List<String> violations = violations(schemaName, json);
        if (!violations.isEmpty()) {
            throw new PayloadException("Invalid " + schemaName, violations);
        }
    }

    /** Parses and validates a topic payload, then maps it to its record. */
    public static <T extends EventEnvelope> T readValid(TopicSpec<T> topic, String json) {
        JsonNode tree = PayloadJson.tree(json);
        requireValid(topic.schemaName(), tree);
        try {
            return PayloadJson.mapper().treeToValue(tree, topic.payloadType());
        } catch (Exception e) {
            throw new PayloadException("Not a valid " + topic.payloadType().getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
