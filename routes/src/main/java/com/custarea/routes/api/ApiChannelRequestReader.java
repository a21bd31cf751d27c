package com.custarea.routes.api;

import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.PayloadException;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.PayloadValidator;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Reads a request to the API channel in the order that keeps bad input out: media type, size, signature (over the
 * raw bytes), then JSON and its schema. Any failure is a 4xx problem and nothing has been stored.
 */
@Component
public class ApiChannelRequestReader {

    /** Exchange property: the request path, kept for problem responses after the headers are cleared. */
    public static final String REQUEST_PATH = "custarea.requestPath";

    private static final Pattern CORRELATION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    private final ApiChannelAuthenticator authenticator;
    private final int maxBodyBytes;
    private final ApiChannelRateLimits rateLimits;

    public ApiChannelRequestReader(ApiChannelAuthenticator authenticator,
                                   @Value("${custarea.channels.api.max-body-bytes:262144}") int maxBodyBytes,
                                   ApiChannelRateLimits rateLimits) {
        this.authenticator = authenticator;
        this.maxBodyBytes = maxBodyBytes;
        this.rateLimits = rateLimits;
    }

    /** Verifies and parses the request against {@code schemaName}. */
    VerifiedRequest read(Exchange exchange, String schemaName) {
        Message request = exchange.getMessage();
        exchange.setProperty(REQUEST_PATH, request.getHeader(Exchange.HTTP_PATH, String.class));
        String contentType = request.getHeader(Exchange.CONTENT_TYPE, String.class);
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw ProblemException.unsupportedMediaType("Send the body as application/json");
        }
        byte[] body = request.getBody(byte[].class);
        if (body == null || body.length == 0) {
            throw ProblemException.badRequest("The body is empty", List.of());
        }
        if (body.length > maxBodyBytes) {
            throw ProblemException.payloadTooLarge("The body has " + body.length + " bytes; at most "
                    + maxBodyBytes + " are accepted");
        }
        ChannelSettings channel = authenticator.verify(request, body);
        rateLimits.acquire(channel);
        JsonNode json;
        try {
            json = PayloadJson.tree(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        } catch (PayloadException e) {
            throw ProblemException.badRequest("The body is not valid JSON: " + e.getMessage(), List.of());
        }
        List<Problem.FieldError> errors = PayloadValidator.validate(schemaName, json).stream()
                .map(violation -> new Problem.FieldError(violation.pointer(), violation.message()))
                .toList();
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("The body does not match the " + schemaName + " schema", errors);
        }
        return new VerifiedRequest(channel, json, correlationId(request));
    }

    private static String correlationId(Message request) {
        String given = request.getHeader(ApiChannelHeaders.CORRELATION_ID, String.class);
        return given != null && CORRELATION_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
    }
}
