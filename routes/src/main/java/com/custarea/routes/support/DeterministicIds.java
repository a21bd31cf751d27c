package com.custarea.routes.support;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Ids derived from what caused them, so processing the same record twice yields the same ids (and the database's
 * unique keys and downstream consumers see a duplicate, not a second thing).
 */
public final class DeterministicIds {

    private DeterministicIds() {
    }

    /** A name-based UUID for {@code purpose} of {@code cause}, e.g. ("message.created", message id). */
    public static UUID of(String purpose, Object cause) {
        return UUID.nameUUIDFromBytes((purpose + ":" + cause).getBytes(StandardCharsets.UTF_8));
    }
}
