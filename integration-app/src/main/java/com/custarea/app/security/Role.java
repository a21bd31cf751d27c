package com.custarea.app.security;

import java.util.Arrays;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a user of the dashboard may do: admins also manage users, channels, features and deletions. */
public enum Role {
    ADMIN("admin"),
    AGENT("agent");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public static Role fromWireName(String name) {
        return Arrays.stream(values()).filter(role -> role.wireName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown role: " + name));
    }
}
