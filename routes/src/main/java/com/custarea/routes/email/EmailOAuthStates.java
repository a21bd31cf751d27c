package com.custarea.routes.email;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** The pending OAuth authorizations: one per consent screen opened, used at most once. */
public interface EmailOAuthStates {

    /**
     * An authorization waiting for its callback.
     *
     * @param stateHash          SHA-256 hex of the state sent to the provider (the state itself is never stored)
     * @param sealedCodeVerifier the PKCE verifier, sealed with SecretCipher under the tenant id
     */
    record PendingAuthorization(String stateHash, UUID tenantId, UUID userId, EmailProvider provider,
                                String sealedCodeVerifier, Instant expiresAt) {
    }

    void save(PendingAuthorization pending);

    /**
     * Removes and returns the authorization of {@code stateHash} if it is for {@code provider} and not expired, in one
     * step, so that two callbacks with the same state cannot both get it.
     */
    Optional<PendingAuthorization> consume(String stateHash, EmailProvider provider);
}
