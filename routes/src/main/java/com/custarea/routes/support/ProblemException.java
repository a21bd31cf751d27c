package com.custarea.routes.support;

import java.time.Duration;
import java.util.List;

/**
 * Refuses a request with an RFC 9457 problem: thrown by edge beans before anything is stored, turned into the
 * response by {@link HttpEdgeErrorHandling}.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String slug;
    private final String title;
    private final List<Problem.FieldError> errors;
    private final transient Duration retryAfter;

    public ProblemException(int status, String slug, String title, String detail, List<Problem.FieldError> errors,
                            Duration retryAfter) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.retryAfter = retryAfter;
    }

    public static ProblemException badRequest(String detail, List<Problem.FieldError> errors) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail, errors, null);
    }

    public static ProblemException unauthorized(String slug, String detail) {
        return new ProblemException(401, slug, "Not authenticated", detail, List.of(), null);
    }

    public static ProblemException forbidden(String slug, String detail) {
        return new ProblemException(403, slug, "Forbidden", detail, List.of(), null);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not-found", "Not found", detail, List.of(), null);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "conflict", "Conflict", detail, List.of(), null);
    }

    public static ProblemException unsupportedMediaType(String detail) {
        return new ProblemException(415, "unsupported-media-type", "Unsupported media type", detail, List.of(), null);
    }

    public static ProblemException payloadTooLarge(String detail) {
        return new ProblemException(413, "payload-too-large", "Payload too large", detail, List.of(), null);
    }

    public int status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** The problem detail of this exception for request path {@code instance}. */
    public Problem toProblem(String instance) {
        return new Problem(Problem.TYPE_BASE + slug, title, status, getMessage(), instance, errors);
    }
}
