package com.custarea.routes.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.custarea.schemas.PayloadJson;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Writes HTTP responses of Camel HTTP consumers. Every response starts from no headers at all, so nothing internal
 * (Kafka metadata, request headers) leaks back to the caller.
 */
public final class HttpResponses {

    public static final String PROBLEM_JSON = "application/problem+json";
    public static final String JSON = "application/json";

    private HttpResponses() {
    }

    /** A JSON response with {@code status}. */
    public static void json(Exchange exchange, int status, Object body) {
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, JSON);
        message.setBody(PayloadJson.write(body));
    }

    /** A plain-text or XML response (TwiML, validation tokens). */
    public static void text(Exchange exchange, int status, String contentType, String body) {
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        message.setBody(body);
    }

    /** An RFC 9457 problem response. */
    public static void problem(Exchange exchange, Problem problem, Duration retryAfter) {
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        message.setHeader(Exchange.CONTENT_TYPE, PROBLEM_JSON);
        if (retryAfter != null) {
            message.setHeader("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
        }
        message.setBody(PayloadJson.write(problem));
    }

    /** An RFC 9457 problem written straight to a servlet response, for filters that answer before Camel. */
    public static void problem(HttpServletResponse response, Problem problem) throws IOException {
        response.setStatus(problem.status());
        response.setContentType(PROBLEM_JSON);
        // bytes, not the writer: JSON is UTF-8 and the media type carries no charset parameter
        response.getOutputStream().write(PayloadJson.write(problem).getBytes(StandardCharsets.UTF_8));
    }
}
