package com.custarea.app.security;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** A person who works in the dashboard, an admin or an agent of one tenant. */
public record User(UUID id, UUID tenantId, String email, String name, Role role, boolean disabled,
                   @JsonIgnore String passwordHash, Instant createdAt) {

    public Caller asCaller() {
        return new Caller(id, tenantId, role);
    }

    @Override
    public String toString() {
        return "User[id=" + id + ", tenantId=" + tenantId + ", role=" + role + "]";
    }
}
