package com.custarea.routes.api;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The body of a 202 response: the event the request became, and the correlation id to trace it by. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record AcceptedRecord(String status, UUID eventId, String messageId, String correlationId) {

    /** Exchange property holding the response of an accepted request until the record is in Kafka. */
    static final String PROPERTY = "custarea.accepted";
}
