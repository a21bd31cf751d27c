package com.custarea.app.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** Issues the dashboard's short-lived access tokens: HS256 JWTs naming the user, the tenant and the role. */
@Component
public class AccessTokens {

    public static final String ISSUER = "custarea";
    public static final String AUDIENCE = "custarea-dashboard";
    public static final String TENANT_CLAIM = "tid";
    public static final String ROLE_CLAIM = "role";

    private final JwtKeys keys;
    private final Duration lifetime;
    private final Clock clock;

    @Autowired
    public AccessTokens(JwtKeys keys, @Value("${custarea.security.access-token-lifetime:15m}") Duration lifetime) {
        this(keys, lifetime, Clock.systemUTC());
    }

    AccessTokens(JwtKeys keys, Duration lifetime, Clock clock) {
        this.keys = keys;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** A signed access token for {@code caller}. */
    public String issue(Caller caller) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(caller.userId().toString())
                .claim(TENANT_CLAIM, caller.tenantId().toString())
                .claim(ROLE_CLAIM, caller.role().wireName())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(keys.signingKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign an access token", e);
        }
        return jwt.serialize();
    }

    public Duration lifetime() {
        return lifetime;
    }
}
