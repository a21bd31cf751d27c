package com.custarea.schemas;

import java.time.Instant;
import java.util.UUID;

/**
 * The fields every topic payload carries: a unique event id, the tenant, when it happened, the version of the
 * payload's schema, and the correlation id that follows one customer interaction through every hop.
 */
public interface EventEnvelope {

    UUID eventId();

    UUID tenantId();

    Instant occurredAt();

    int schemaVersion();

    String correlationId();
}
