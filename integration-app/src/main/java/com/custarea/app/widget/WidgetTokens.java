package com.custarea.app.widget;

import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import javax.crypto.SecretKey;

import com.custarea.app.security.JwtKeys;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.widget.WidgetVisitors;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The widget's visitor tokens: HS256 JWTs signed with {@code WIDGET_JWT_SECRET} (not the dashboard's key), scoped
 * to one visitor of one widget, expiring, and carrying the visitor's identity proof when it has one. Anything else
 * (another algorithm, another key, another audience, expired) is a 401.
 */
@Component
public class WidgetTokens {

    static final String ISSUER = "custarea";
    static final String AUDIENCE = "custarea-widget";
    static final String TENANT_CLAIM = "tid";
    static final String CHANNEL_CLAIM = "cid";
    static final String USER_CLAIM = "uid";
    static final String SECRET_CLAIM = "usf";
    static final String PROVEN_AT_CLAIM = "uat";

    /**
     * A proof of the visitor's user id: which user, a fingerprint of the identity secret it was checked with (so a
     * rotated secret voids it) and when the site's hash was checked.
     */
    public record IdentityProof(String userId, String secretFingerprint, Instant provenAt) {
    }

    /** Who a valid token names, and the identity proof it carries (null: none). */
    public record VisitorClaims(UUID visitorId, UUID tenantId, UUID channelId, IdentityProof proof) {
    }

    private final SecretKey key;
    private final Duration lifetime;
    private final Duration resumeWindow;
    private final Clock clock = Clock.systemUTC();

    public WidgetTokens(@Value("${custarea.widget.jwt-secret:}") String configured,
                        @Value("${custarea.data-dir:./data}") String dataDir,
                        @Value("${custarea.widget.token-lifetime:24h}") Duration lifetime,
                        @Value("${custarea.widget.resume-window:30d}") Duration resumeWindow) {
        this.key = JwtKeys.load(configured, Path.of(dataDir).toAbsolutePath().normalize().resolve("widget-jwt.key"),
                "WIDGET_JWT_SECRET");
        this.lifetime = lifetime;
        this.resumeWindow = resumeWindow;
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** A token of {@code visitor}, with its identity proof (null: an unverified visitor). */
    public String issue(WidgetVisitors.Visitor visitor, IdentityProof proof) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE)
                .subject(visitor.id().toString()).claim(TENANT_CLAIM, visitor.tenantId().toString())
                .claim(CHANNEL_CLAIM, visitor.channelId().toString()).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime))).jwtID(UUID.randomUUID().toString());
        if (proof != null) {
            builder.claim(USER_CLAIM, proof.userId()).claim(SECRET_CLAIM, proof.secretFingerprint())
                    .claim(PROVEN_AT_CLAIM, proof.provenAt().getEpochSecond());
        }
        JWTClaimsSet claims = builder.build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign a widget token", e);
        }
        return jwt.serialize();
    }

    /** The claims of a valid token; a 401 problem for anything else. */
    public VisitorClaims verify(String token) {
        return verify(token, Duration.ZERO);
    }

    /**
     * The claims of a token to resume a session with: ours, and expired for no longer than the resume window, so a
     * visitor who comes back next week still finds their conversation (the new session gets a fresh token).
     */
    public VisitorClaims verifyForResume(String token) {
        return verify(token, resumeWindow);
    }

    private VisitorClaims verify(String token, Duration grace) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(key))
                    || !ISSUER.equals(claims.getIssuer()) || claims.getAudience() == null
                    || !claims.getAudience().contains(AUDIENCE) || claims.getExpirationTime() == null
                    || !claims.getExpirationTime().toInstant().plus(grace).isAfter(clock.instant())) {
                throw invalid();
            }
            IdentityProof proof = claims.getStringClaim(USER_CLAIM) == null ? null : new IdentityProof(
                    claims.getStringClaim(USER_CLAIM), claims.getStringClaim(SECRET_CLAIM),
                    Instant.ofEpochSecond(claims.getLongClaim(PROVEN_AT_CLAIM)));
            return new VisitorClaims(UUID.fromString(claims.getSubject()),
                    UUID.fromString(claims.getStringClaim(TENANT_CLAIM)),
                    UUID.fromString(claims.getStringClaim(CHANNEL_CLAIM)), proof);
        } catch (ParseException | JOSEException | IllegalArgumentException | NullPointerException e) {
            throw invalid();
        }
    }

    private static ProblemException invalid() {
        return ProblemException.unauthorized("invalid-widget-token", "The widget token is not valid; call "
                + "/api/widget/init again");
    }
}
