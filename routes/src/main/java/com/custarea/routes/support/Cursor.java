package com.custarea.routes.support;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * A position in a list ordered by (time, id): opaque to clients (base64url), stable under inserts, unlike offsets.
 */
public record Cursor(Instant at, UUID id) {

    public String encode() {
        String plain = at.getEpochSecond() + ":" + at.getNano() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor in {@code token}; a 400 problem when it is not one of ours. */
    public static Cursor decode(String token) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
            return new Cursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                    UUID.fromString(parts[2]));
        } catch (RuntimeException e) {
            throw ProblemException.badRequest("The cursor is not valid",
                    List.of(new Problem.FieldError("/cursor", "not a cursor this API returned")));
        }
    }
}
