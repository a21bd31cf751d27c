package com.custarea.routes.email;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.SecretCipher;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.stereotype.Service;

/**
 * Connects a Gmail or Outlook mailbox by the OAuth 2.0 authorization-code flow with PKCE (S256): the consent URL
 * carries a one-time state bound to the tenant and user who asked, and the callback trades the code for a refresh
 * token.
 */
@Service
public class EmailOAuthFlow {

    /** 256 bits: a state cannot be guessed. */
    private static final int STATE_BYTES = 32;
    /** 32 bytes are 43 base64url characters, the shortest verifier PKCE allows (RFC 7636 recommends it). */
    private static final int VERIFIER_BYTES = 32;
    /** Longer than any state we issue; a longer one is refused before the database is asked. */
    private static final int MAX_STATE_LENGTH = 128;
    /** When the token endpoint does not say how long the access token lives (both say 3600 s in practice). */
    private static final Duration DEFAULT_ACCESS_TOKEN_LIFETIME = Duration.ofHours(1);

    /**
     * A connected mailbox: who connected it, its tokens and its address.
     *
     * @param email the mailbox address the ID token names
     */
    public record Grant(UUID tenantId, UUID userId, EmailProvider provider, String refreshToken, String accessToken,
                        Instant accessTokenExpiresAt, String email) {

        /** Without the tokens, so that logging a grant leaks nothing. */
        @Override
        public String toString() {
            return "Grant[tenantId=" + tenantId + ", userId=" + userId + ", provider=" + provider
                    + ", refreshToken=***, accessToken=***, accessTokenExpiresAt=" + accessTokenExpiresAt
                    + ", email=" + email + "]";
        }
    }

    private final EmailOAuthSettings settings;
    private final EmailOAuthStates states;
    private final SecretCipher cipher;
    private final HttpClient http;
    private final SecureRandom random = new SecureRandom();

    public EmailOAuthFlow(EmailOAuthSettings settings, EmailOAuthStates states, SecretCipher cipher) {
        this.settings = settings;
        this.states = states;
        this.cipher = cipher;
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * The provider's consent URL for {@code userId} of {@code tenantId} to connect a mailbox; the state and PKCE
     * verifier are kept for {@code custarea.email.oauth.state-ttl}.
     */
    public URI authorizationUrl(UUID tenantId, UUID userId, EmailProvider provider) {
        OAuthProviderSettings client = settings.require(provider);
        String state = randomBase64Url(STATE_BYTES);
        String verifier = randomBase64Url(VERIFIER_BYTES);
        states.save(new EmailOAuthStates.PendingAuthorization(sha256Hex(state), tenantId, userId, provider,
                cipher.encrypt(verifier, tenantId.toString()), Instant.now().plus(settings.stateTtl())));

        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("response_type", "code");
        parameters.put("client_id", client.clientId());
        parameters.put("redirect_uri", client.redirectUri());
        parameters.put("scope", client.scopes());
        parameters.put("state", state);
        parameters.put("code_challenge", s256Challenge(verifier));
        parameters.put("code_challenge_method", "S256");
        if (provider == EmailProvider.GMAIL) {
            // offline: a refresh token; consent: Google issues the refresh token only when consent is shown
            parameters.put("access_type", "offline");
            parameters.put("prompt", "consent");
            parameters.put("include_granted_scopes", "true");
        } else {
            parameters.put("response_mode", "query");
            // a person signed in to several Microsoft accounts chooses which mailbox to connect
            parameters.put("prompt", "select_account");
        }
        return client.authorizationUrl(parameters);
    }

    /**
     * Completes the flow at the provider's callback: consumes {@code state} (refused if unknown, tampered with,
     * already used, expired or issued for the other provider, in which case the token endpoint is never called) and
     * exchanges {@code code} for tokens.
     *
     * @throws EmailOAuthException with a reason code of that class
     */
    public Grant complete(EmailProvider provider, String state, String code) {
        OAuthProviderSettings client = settings.require(provider);
        if (state == null || state.isBlank() || state.length() > MAX_STATE_LENGTH) {
            throw invalidState();
        }
        EmailOAuthStates.PendingAuthorization pending = states.consume(sha256Hex(state), provider)
                .orElseThrow(EmailOAuthFlow::invalidState);
        if (code == null || code.isBlank()) {
            throw new EmailOAuthException(EmailOAuthException.MISSING_CODE,
                    "The " + provider.wireName() + " callback carried no authorization code");
        }
        String verifier;
        try {
            verifier = cipher.decrypt(pending.sealedCodeVerifier(), pending.tenantId().toString());
        } catch (RuntimeException e) {
            // the master key changed since the consent screen was opened: as good as an unknown state
            throw new EmailOAuthException(EmailOAuthException.INVALID_STATE,
                    "The authorization's verifier cannot be opened", e);
        }

        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", client.redirectUri());
        form.put("code_verifier", verifier);
        OAuthProviderSettings.TokenAnswer answer = exchange(client, form);
        if (!answer.ok()) {
            String reason = "invalid_grant".equals(answer.error())
                    ? EmailOAuthException.INVALID_GRANT : EmailOAuthException.EXCHANGE_FAILED;
            throw new EmailOAuthException(reason, provider.wireName() + "'s token endpoint refused the code: "
                    + answer.describe());
        }
        String accessToken = answer.text("access_token").orElseThrow(() -> new EmailOAuthException(
                EmailOAuthException.EXCHANGE_FAILED, provider.wireName() + "'s token endpoint issued no access token"));
        String refreshToken = answer.text("refresh_token").orElseThrow(() -> new EmailOAuthException(
                EmailOAuthException.NO_REFRESH_TOKEN, provider.wireName() + " issued no refresh token"));
        Instant expiresAt = Instant.now().plus(answer.expiresIn().orElse(DEFAULT_ACCESS_TOKEN_LIFETIME));
        return new Grant(pending.tenantId(), pending.userId(), provider, refreshToken, accessToken, expiresAt,
                mailboxAddress(provider, answer.text("id_token")));
    }

    private OAuthProviderSettings.TokenAnswer exchange(OAuthProviderSettings client, Map<String, String> form) {
        try {
            return OAuthProviderSettings.TokenAnswer.of(http.send(
                    client.tokenRequest(form, settings.requestTimeout()), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new EmailOAuthException(EmailOAuthException.EXCHANGE_FAILED,
                    client.provider().wireName() + "'s token endpoint cannot be reached: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmailOAuthException(EmailOAuthException.EXCHANGE_FAILED,
                    "Interrupted while exchanging the authorization code", e);
        }
    }

    /**
     * The address in the ID token: {@code email} for Google; {@code email}, else {@code preferred_username}, for
     * Microsoft. The signature is not checked: the token came straight from the provider's token endpoint over TLS
     * in answer to our authenticated request, which OpenID Connect Core (section 3.1.3.7) accepts as its proof.
     */
    private static String mailboxAddress(EmailProvider provider, Optional<String> idToken) {
        JWTClaimsSet claims;
        try {
            claims = SignedJWT.parse(idToken.orElseThrow(() -> new EmailOAuthException(EmailOAuthException.NO_EMAIL,
                    provider.wireName() + " issued no ID token"))).getJWTClaimsSet();
        } catch (ParseException e) {
            throw new EmailOAuthException(EmailOAuthException.NO_EMAIL,
                    provider.wireName() + "'s ID token cannot be read: " + e.getMessage(), e);
        }
        Optional<String> address = claim(claims, "email");
        if (address.isEmpty() && provider == EmailProvider.OUTLOOK) {
            address = claim(claims, "preferred_username");
        }
        return address.filter(value -> value.contains("@")).orElseThrow(() -> new EmailOAuthException(
                EmailOAuthException.NO_EMAIL, provider.wireName() + "'s ID token names no mailbox address"));
    }

    private static Optional<String> claim(JWTClaimsSet claims, String name) {
        try {
            return Optional.ofNullable(claims.getStringClaim(name)).map(String::trim).filter(value -> !value.isEmpty());
        } catch (ParseException notText) {
            return Optional.empty();
        }
    }

    private static EmailOAuthException invalidState() {
        return new EmailOAuthException(EmailOAuthException.INVALID_STATE,
                "The authorization is unknown, used or expired: start connecting the mailbox again");
    }

    private String randomBase64Url(int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    /** BASE64URL(SHA256(ASCII(verifier))), RFC 7636 section 4.2. */
    static String s256Challenge(String verifier) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(verifier));
    }

    static String sha256Hex(String value) {
        return HexFormat.of().formatHex(sha256(value));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
