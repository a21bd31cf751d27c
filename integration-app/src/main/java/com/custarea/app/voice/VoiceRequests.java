package com.custarea.app.voice;

import java.util.List;
import java.util.UUID;

import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;

/** The fields of the bridge's JSON requests on /api/internal/voice, each a 400 problem when it is wrong. */
final class VoiceRequests {

    private VoiceRequests() {
    }

    /** The body as a JSON object. */
    static JsonNode json(String body) {
        try {
            JsonNode request = PayloadJson.tree(body);
            if (request.isObject()) {
                return request;
            }
        } catch (RuntimeException e) {
            // answered below
        }
        throw ProblemException.badRequest("The body must be a JSON object", List.of());
    }

    /** The text of {@code field}, 1 to {@code maxLength} characters. */
    static String text(JsonNode request, String field, int maxLength) {
        String value = request.path(field).asText("");
        if (value.isBlank() || value.length() > maxLength) {
            throw ProblemException.badRequest(field + " must be 1 to " + maxLength + " characters", List.of());
        }
        return value;
    }

    static UUID uuid(JsonNode request, String field) {
        try {
            return UUID.fromString(request.path(field).asText());
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(field + " must be a UUID", List.of());
        }
    }
}
