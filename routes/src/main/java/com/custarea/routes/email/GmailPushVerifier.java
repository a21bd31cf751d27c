package com.custarea.routes.email;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;

import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Verifies that a Gmail push comes from our Pub/Sub subscription (its OIDC token signed with RS256 by one of Google's
 * published keys, issued by Google, for our audience, unexpired, and for our service account with a verified e-mail
 * when one is configured; with no audience configured every push is refused), and reads what the push says.
 */
@Component
public class GmailPushVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(GmailPushVerifier.class);

    /** Google writes its issuer either way. */
    static final Set<String> GOOGLE_ISSUERS = Set.of("https://accounts.google.com", "accounts.google.com");
    private static final Set<String> REQUIRED_CLAIMS = Set.of("iss", "aud", "exp", "iat");
    private static final String BEARER = "bearer ";
    private static final String EMAIL_CLAIM = "email";
    private static final String EMAIL_VERIFIED_CLAIM = "email_verified";

    private static final int JWKS_CONNECT_TIMEOUT_MS = 2_000;
    private static final int JWKS_READ_TIMEOUT_MS = 2_000;
    private static final int JWKS_SIZE_LIMIT_BYTES = 64 * 1024;

    /** Null when no audience is configured: push is then refused. */
    private final ConfigurableJWTProcessor<SecurityContext> processor;
    private final String serviceAccount;

    /**
     * @param jwksUri        where Google publishes the keys that sign push tokens (fetched on first use, then cached)
     * @param audience       the audience set on the push subscription; blank refuses every push
     * @param serviceAccount the push subscription's service account, or blank to accept any Google-signed token
     *                       for the audience
     */
    public GmailPushVerifier(
            @Value("${custarea.email.gmail.push-jwks-uri:https://www.googleapis.com/oauth2/v3/certs}") String jwksUri,
            @Value("${custarea.email.gmail.push-audience:}") String audience,
            @Value("${custarea.email.gmail.push-service-account:}") String serviceAccount) {
        this.serviceAccount = serviceAccount == null || serviceAccount.isBlank() ? null : serviceAccount.strip();
        this.processor = audience == null || audience.isBlank() ? null : processor(jwksUri, audience.strip());
        if (processor == null) {
            LOG.info("custarea.email.gmail.push-audience is not set: Gmail push notifications are refused");
        }
    }

    /**
     * What a Gmail push says: which mailbox changed and its history id then.
     *
     * @param messageId Pub/Sub's id of the push, the same on every redelivery of it (null when absent)
     */
    public record PushNotice(String emailAddress, String historyId, String messageId) {
    }

    /** Whether push can be verified at all (an audience is configured). */
    public boolean configured() {
        return processor != null;
    }

    /** Whether {@code authorizationHeader} carries a valid push token; false on anything wrong, never throws. */
    public boolean verify(String authorizationHeader) {
        if (processor == null || authorizationHeader == null
                || !authorizationHeader.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        String token = authorizationHeader.substring(BEARER.length()).strip();
        try {
            JWTClaimsSet claims = processor.process(token, null);
            if (!GOOGLE_ISSUERS.contains(claims.getIssuer())) {
                LOG.warn("Refused a Gmail push token issued by {}", claims.getIssuer());
                return false;
            }
            if (serviceAccount != null && !fromServiceAccount(claims)) {
                LOG.warn("Refused a Gmail push token for another account than the configured one");
                return false;
            }
            return true;
        } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
            LOG.warn("Refused a Gmail push token: {}", e.getMessage());
            return false;
        }
    }

    private boolean fromServiceAccount(JWTClaimsSet claims) throws ParseException {
        String email = claims.getStringClaim(EMAIL_CLAIM);
        return email != null && email.toLowerCase(Locale.ROOT).equals(serviceAccount.toLowerCase(Locale.ROOT))
                && Boolean.TRUE.equals(claims.getBooleanClaim(EMAIL_VERIFIED_CLAIM));
    }

    /**
     * The mailbox and history id in a Pub/Sub push body:
     * {@code {"message":{"data": base64 of {"emailAddress","historyId"}, "messageId", …}, "subscription"}}.
     * {@link InvalidPushException} when it is anything else.
     */
    public static PushNotice decode(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidPushException("The push has no body");
        }
        JsonNode envelope = readJson(body, "The push body");
        JsonNode message = envelope.path("message");
        JsonNode data = message.path("data");
        if (!data.isTextual() || data.asText().isBlank()) {
            throw new InvalidPushException("The push has no message.data");
        }
        JsonNode notice = readJson(decodeBase64(data.asText()), "The push's message.data");
        JsonNode emailAddress = notice.path("emailAddress");
        if (!emailAddress.isTextual() || emailAddress.asText().isBlank()) {
            throw new InvalidPushException("The push's message.data has no emailAddress");
        }
        JsonNode historyId = notice.path("historyId");
        // Gmail writes the history id as a JSON number; a string of digits is accepted too
        if (!(historyId.isIntegralNumber() || historyId.isTextual()) || !historyId.asText().matches("\\d{1,40}")) {
            throw new InvalidPushException("The push's message.data has no valid historyId");
        }
        JsonNode messageId = message.hasNonNull("messageId") ? message.get("messageId") : message.path("message_id");
        return new PushNotice(emailAddress.asText().strip(), historyId.asText(),
                messageId.isValueNode() && !messageId.isNull() ? messageId.asText() : null);
    }

    private static JsonNode readJson(byte[] json, String what) {
        try {
            JsonNode node = PayloadJson.mapper().readTree(json);
            if (node == null || !node.isObject()) {
                throw new InvalidPushException(what + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new InvalidPushException(what + " is not JSON", e);
        }
    }

    /** Pub/Sub sends standard base64; URL-safe base64 is accepted too. */
    private static byte[] decodeBase64(String value) {
        try {
            return Base64.getDecoder().decode(value.strip().replace('-', '+').replace('_', '/')
                    .getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new InvalidPushException("The push's message.data is not base64", e);
        }
    }

    private static ConfigurableJWTProcessor<SecurityContext> processor(String jwksUri, String audience) {
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(URI.create(jwksUri).toURL(),
                    new DefaultResourceRetriever(JWKS_CONNECT_TIMEOUT_MS, JWKS_READ_TIMEOUT_MS, JWKS_SIZE_LIMIT_BYTES))
                    .build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("custarea.email.gmail.push-jwks-uri is not a URL: " + jwksUri, e);
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        // the algorithm is pinned: a token naming another one (none, HS256) finds no key
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        // Collections.singleton, not Set.of: Nimbus asks the accepted audiences whether they contain null
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(Collections.singleton(audience), null,
                REQUIRED_CLAIMS, null));
        return processor;
    }
}
