package com.custarea.app.security;

import java.util.UUID;

import com.custarea.routes.support.ProblemException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** The caller of the current request, from its verified access token. */
public final class Callers {

    private Callers() {
    }

    /** The authenticated caller; a 401 problem when there is none. */
    public static Caller current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!(authentication instanceof JwtAuthenticationToken token)) {
            throw ProblemException.unauthorized("unauthenticated", "A valid bearer access token is required");
        }
        Jwt jwt = token.getToken();
        return new Caller(UUID.fromString(jwt.getSubject()),
                UUID.fromString(jwt.getClaimAsString(AccessTokens.TENANT_CLAIM)),
                Role.fromWireName(jwt.getClaimAsString(AccessTokens.ROLE_CLAIM)));
    }

    /** The caller, who must be an admin: a 403 problem otherwise. */
    public static Caller admin() {
        Caller caller = current();
        if (!caller.isAdmin()) {
            throw new ProblemException(403, "forbidden", "Forbidden", "Only an admin may do this",
                    java.util.List.of(), null);
        }
        return caller;
    }
}
