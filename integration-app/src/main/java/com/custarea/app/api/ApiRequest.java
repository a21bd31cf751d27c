package com.custarea.app.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.custarea.app.security.Caller;
import com.custarea.app.security.Callers;
import com.custarea.routes.support.Cursor;
import com.custarea.routes.support.HttpResponses;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.PayloadException;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.PayloadValidator;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;

/**
 * One request to the dashboard API as its handler sees it: the caller (from the token), path ids, query values and
 * the JSON body checked against its schema, each failure a 4xx problem; and the response.
 */
public final class ApiRequest {

    static final int DEFAULT_LIMIT = 25;
    static final int MAX_LIMIT = 100;
    static final int MAX_BODY_BYTES = 1 << 20;

    private final Exchange exchange;

    private ApiRequest(Exchange exchange) {
        this.exchange = exchange;
    }

    public static ApiRequest of(Exchange exchange) {
        return new ApiRequest(exchange);
    }

    public Caller caller() {
        return Callers.current();
    }

    public Caller admin() {
        return Callers.admin();
    }

    /** A path parameter that must be a UUID; anything else names nothing here (404). */
    public UUID pathId(String name) {
        String value = exchange.getMessage().getHeader(name, String.class);
        try {
            return UUID.fromString(value);
        } catch (RuntimeException e) {
            throw ProblemException.notFound("Nothing is found at " + value);
        }
    }

    public String path(String name) {
        return exchange.getMessage().getHeader(name, String.class);
    }

    public Optional<String> query(String name) {
        return Optional.ofNullable(exchange.getMessage().getHeader(name, String.class)).filter(v -> !v.isBlank());
    }

    /** A query parameter that must be a UUID when present (400 otherwise). */
    public Optional<UUID> queryId(String name) {
        return query(name).map(value -> {
            try {
                return UUID.fromString(value);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("Not an id: " + value,
                        List.of(new Problem.FieldError("/" + name, "must be a UUID")));
            }
        });
    }

    /** The page size: {@code limit}, 1 to 100, 25 when absent. */
    public int limit() {
        return query("limit").map(value -> {
            try {
                int limit = Integer.parseInt(value);
                if (limit >= 1 && limit <= MAX_LIMIT) {
                    return limit;
                }
            } catch (NumberFormatException ignored) {
                // refused below
            }
            throw ProblemException.badRequest("The limit must be 1 to " + MAX_LIMIT,
                    List.of(new Problem.FieldError("/limit", "must be an integer from 1 to " + MAX_LIMIT)));
        }).orElse(DEFAULT_LIMIT);
    }

    public Optional<Cursor> cursor() {
        return query("cursor").map(Cursor::decode);
    }

    /** The JSON body, checked against {@code schemaName}; field-level 400 problems otherwise. */
    /** The body validated as {@link #json}, or empty when the request has none. */
    public Optional<JsonNode> optionalJson(String schemaName) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null || body.length == 0) {
            return Optional.empty();
        }
        // the body may be a stream that reads once: keep what was read for json()
        exchange.getMessage().setBody(body);
        return Optional.of(json(schemaName));
    }

    public JsonNode json(String schemaName) {
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw ProblemException.unsupportedMediaType("Send the body as application/json");
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null || body.length == 0) {
            throw ProblemException.badRequest("The body is empty", List.of());
        }
        if (body.length > MAX_BODY_BYTES) {
            throw ProblemException.payloadTooLarge("The body has " + body.length + " bytes; at most "
                    + MAX_BODY_BYTES + " are accepted");
        }
        JsonNode json;
        try {
            json = PayloadJson.tree(new String(body, StandardCharsets.UTF_8));
        } catch (PayloadException e) {
            throw ProblemException.badRequest("The body is not valid JSON: " + e.getMessage(), List.of());
        }
        List<Problem.FieldError> errors = PayloadValidator.validate(schemaName, json).stream()
                .map(violation -> new Problem.FieldError(violation.pointer(), violation.message())).toList();
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("The body does not match the " + schemaName + " schema", errors);
        }
        return json;
    }

    /** The body as text (CSV uploads). */
    public String text(String expectedType) {
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase().startsWith(expectedType)) {
            throw ProblemException.unsupportedMediaType("Send the body as " + expectedType);
        }
        String body = exchange.getMessage().getBody(String.class);
        if (body == null || body.isBlank()) {
            throw ProblemException.badRequest("The body is empty", List.of());
        }
        return body;
    }

    /** A file sent as a part of a multipart/form-data body. */
    public record UploadedFile(String filename, String contentType, byte[] bytes) {
    }

    /** Whether the body is multipart/form-data (a file upload). */
    public boolean isMultipart() {
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        return contentType != null && contentType.toLowerCase().startsWith("multipart/form-data");
    }

    /** The file part {@code name} of a multipart body, read whole up to {@code maxBytes} (413 beyond). */
    public UploadedFile file(String name, long maxBytes) {
        Part part = part(name).orElseThrow(() -> ProblemException.badRequest("The upload has no " + name + " part",
                List.of(new Problem.FieldError("/" + name, "is required"))));
        if (part.getSize() > maxBytes) {
            throw ProblemException.payloadTooLarge("The file has " + part.getSize() + " bytes; at most " + maxBytes
                    + " are accepted");
        }
        try (var input = part.getInputStream()) {
            return new UploadedFile(part.getSubmittedFileName(), part.getContentType(), input.readAllBytes());
        } catch (IOException e) {
            throw ProblemException.badRequest("The file could not be read: " + e.getMessage(), List.of());
        }
    }

    /** A text field of a multipart body, if sent. */
    public Optional<String> formField(String name) {
        return part(name).map(part -> {
            try (var input = part.getInputStream()) {
                return new String(input.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw ProblemException.badRequest("The field " + name + " could not be read", List.of());
            }
        }).filter(value -> !value.isBlank());
    }

    private Optional<Part> part(String name) {
        if (!(exchange.getIn() instanceof PlatformHttpMessage message) || message.getRequest() == null) {
            throw ProblemException.unsupportedMediaType("Send the file as multipart/form-data");
        }
        try {
            return Optional.ofNullable(message.getRequest().getPart(name));
        } catch (IOException | ServletException | IllegalStateException e) {
            // IllegalStateException: beyond spring.servlet.multipart's limits
            throw ProblemException.badRequest("The multipart body could not be read: " + e.getMessage(),
                    List.of());
        }
    }

    /** The address of the client, for rate limits (behind a proxy, see server.forward-headers-strategy). */
    public String clientAddress() {
        if (exchange.getIn() instanceof PlatformHttpMessage message && message.getRequest() != null) {
            return message.getRequest().getRemoteAddr();
        }
        HttpServletRequest request = exchange.getIn().getHeader(Exchange.HTTP_SERVLET_REQUEST,
                HttpServletRequest.class);
        return request == null ? "unknown" : request.getRemoteAddr();
    }

    public String correlationId() {
        String given = exchange.getMessage().getHeader("X-Correlation-Id", String.class);
        return given != null && given.matches("[A-Za-z0-9._:-]{1,100}") ? given : UUID.randomUUID().toString();
    }

    public void ok(Object body) {
        HttpResponses.json(exchange, 200, body);
    }

    public void created(Object body) {
        HttpResponses.json(exchange, 201, body);
    }

    public void accepted(Object body) {
        HttpResponses.json(exchange, 202, body);
    }

    public void noContent() {
        HttpResponses.text(exchange, 204, "text/plain", "");
    }

    /** The texts of an optional JSON array field, null when absent. */
    public static List<String> texts(JsonNode node, String field) {
        JsonNode array = node.get(field);
        if (array == null || array.isNull()) {
            return null;
        }
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    /** Text of an optional JSON field, null when absent or null. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
