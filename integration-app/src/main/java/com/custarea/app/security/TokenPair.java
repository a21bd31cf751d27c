package com.custarea.app.security;

import java.util.UUID;

/** What a successful sign-in returns: a short-lived access token, a refresh token, and who signed in. */
public record TokenPair(String accessToken, String tokenType, long expiresIn, String refreshToken, Account user) {

    /** The signed-in user as the dashboard shows it. */
    public record Account(UUID id, UUID tenantId, String email, String name, String role) {

        static Account of(User user) {
            return new Account(user.id(), user.tenantId(), user.email(), user.name(), user.role().wireName());
        }
    }
}
