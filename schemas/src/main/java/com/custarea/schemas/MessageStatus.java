package com.custarea.schemas;

import java.util.Arrays;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The delivery state of a message. Outbound messages only move forward (queued, sent, delivered, read) and
 * {@link #FAILED} is terminal; inbound messages are {@link #RECEIVED}.
 */
public enum MessageStatus {
    RECEIVED("received", 0),
    QUEUED("queued", 0),
    SENT("sent", 1),
    DELIVERED("delivered", 2),
    FAILED("failed", 2),
    READ("read", 3);

    private final String wireName;
    private final int rank;

    MessageStatus(String wireName, int rank) {
        this.wireName = wireName;
        this.rank = rank;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The order of states: a status update applies only when it raises the rank. */
    public int rank() {
        return rank;
    }

    /**
     * Whether a message in this state may move to {@code next}: only forward, never out of {@link #FAILED}, and never
     * to {@link #FAILED} once delivered (a late failure report cannot undo a delivery).
     */
    public boolean canMoveTo(MessageStatus next) {
        return this != FAILED && next.rank > rank;
    }

    @JsonCreator
    public static MessageStatus fromWireName(String name) {
        return Arrays.stream(values())
                .filter(status -> status.wireName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown message status: " + name));
    }
}
