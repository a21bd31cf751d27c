package com.custarea.app.security;

import java.util.UUID;

/** Who is calling the dashboard API: the user, the tenant (taken from the token and nowhere else) and the role. */
public record Caller(UUID userId, UUID tenantId, Role role) {

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }
}
