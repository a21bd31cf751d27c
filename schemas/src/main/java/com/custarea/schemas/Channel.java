package com.custarea.schemas;

import java.util.Arrays;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The kinds of channel a conversation can run on; the wire name is also the suffix of its outbound topic. */
public enum Channel {
    API("api"),
    EMAIL("email"),
    WHATSAPP("whatsapp"),
    SMS("sms"),
    WIDGET("widget"),
    VOICE("voice");

    private final String wireName;

    Channel(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static Channel fromWireName(String name) {
        return Arrays.stream(values())
                .filter(channel -> channel.wireName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown channel: " + name));
    }
}
