package com.custarea.routes.email;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.springframework.stereotype.Service;

/**
 * Access tokens for connected Gmail and Outlook mailboxes, refreshed through the provider's token endpoint (one
 * refresh shared by concurrent callers) and kept per channel until a minute before they expire.
 */
@Service
public class EmailAccessTokens {

    /** A token is refreshed this long before it expires, so that it does not expire during the call it is used for. */
    static final Duration EXPIRY_MARGIN = Duration.ofSeconds(60);
    /** When the token endpoint does not say how long the access token lives (both say 3600 s in practice). */
    private static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);
    private static final long MAX_CHANNELS = 100_000;
    /**
     * Errors no retry cures but a person connecting the mailbox again does: the refresh token is revoked or expired
     * ({@code invalid_grant}), or Microsoft needs the person's interaction (MFA, new consent).
     */
    private static final Set<String> REAUTHORIZATION_ERRORS = Set.of("invalid_grant", "interaction_required");
    /** Errors RFC 6749 and Microsoft's token endpoint use for an overload or outage, sometimes with HTTP 400. */
    private static final Set<String> UNAVAILABLE_ERRORS = Set.of("temporarily_unavailable", "server_error");

    private final EmailOAuthSettings settings;
    private final EmailRefreshTokenListener listener;
    private final HttpClient http;
    /**
     * Per channel, the last refresh: its token, or its failure, which expires at once so that callers waiting on
     * that refresh share it while the next call tries again. A failure is kept as a value, not a failed future, since
     * Caffeine logs every failed load with its stack trace, and the caller already reports the failure.
     */
    private final AsyncCache<UUID, Refresh> tokens;

    /** @param listener stores the refresh tokens providers rotate */
    public EmailAccessTokens(EmailOAuthSettings settings, EmailRefreshTokenListener listener) {
        this.settings = settings;
        this.listener = listener;
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.tokens = Caffeine.newBuilder().maximumSize(MAX_CHANNELS).expireAfter(new UntilShortlyBeforeExpiry())
                .buildAsync();
    }

    /**
     * A valid access token for the mailbox of {@code channelId}: the cached one, or a new one got with
     * {@code refreshToken}.
     *
     * @throws EmailReauthorizationRequiredException the provider no longer honours the refresh token
     * @throws EmailProviderUnavailableException     the token endpoint is busy or down, or cannot be reached
     * @throws EmailOAuthException                   "not-configured", or "refresh-refused" when the provider refuses
     *                                               our client (a wrong or expired client secret)
     */
    public String accessToken(UUID channelId, EmailProvider provider, String refreshToken) {
        OAuthProviderSettings client = settings.require(provider);
        if (refreshToken == null || refreshToken.isBlank()) {
            throw new EmailReauthorizationRequiredException("The " + provider.wireName()
                    + " mailbox of channel " + channelId + " has no refresh token: connect it again");
        }
        Refresh refresh;
        try {
            refresh = tokens.get(channelId, (id, executor) -> refresh(id, client, refreshToken)).join();
        } catch (CompletionException unexpected) {
            // refresh() turns every failure into a value; only an Error ends up here
            if (unexpected.getCause() instanceof Error error) {
                throw error;
            }
            throw unexpected;
        }
        if (refresh.failure() != null) {
            throw refresh.failure();
        }
        return refresh.token().value();
    }

    /** Drops the cached access token of {@code channelId} (the mailbox was reconnected or removed). */
    public void forget(UUID channelId) {
        tokens.synchronous().invalidate(channelId);
    }

    private CompletableFuture<Refresh> refresh(UUID channelId, OAuthProviderSettings client, String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        if (client.provider() == EmailProvider.OUTLOOK) {
            // Microsoft's v2.0 endpoint needs the scopes again to know which resource the access token is for
            form.put("scope", client.scopes());
        }
        return http.sendAsync(client.tokenRequest(form, settings.requestTimeout()),
                        HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        return new Refresh(null, new EmailProviderUnavailableException(client.provider().wireName()
                                + "'s token endpoint cannot be reached: " + cause, Optional.empty(), cause));
                    }
                    try {
                        return new Refresh(accept(channelId, client, refreshToken,
                                OAuthProviderSettings.TokenAnswer.of(response)), null);
                    } catch (RuntimeException refused) {
                        return new Refresh(null, refused);
                    }
                });
    }

    /**
     * The access token of a refresh answer. A rotated refresh token goes to the listener first; if the listener
     * fails, so does this refresh, and nothing is cached, so the next call refreshes again with the stored token.
     */
    private AccessToken accept(UUID channelId, OAuthProviderSettings client, String usedRefreshToken,
                               OAuthProviderSettings.TokenAnswer answer) {
        String provider = client.provider().wireName();
        if (answer.status() == 429 || answer.status() >= 500 || UNAVAILABLE_ERRORS.contains(answer.error())) {
            throw new EmailProviderUnavailableException(provider + "'s token endpoint is unavailable: "
                    + answer.describe(), answer.retryAfter());
        }
        if (REAUTHORIZATION_ERRORS.contains(answer.error())) {
            throw new EmailReauthorizationRequiredException("The " + provider + " mailbox of channel " + channelId
                    + " must be connected again: " + answer.describe());
        }
        if (!answer.ok()) {
            throw new EmailOAuthException(EmailOAuthException.REFRESH_REFUSED,
                    provider + "'s token endpoint refused the refresh: " + answer.describe());
        }
        String accessToken = answer.text("access_token").orElseThrow(() -> new EmailOAuthException(
                EmailOAuthException.REFRESH_REFUSED, provider + "'s token endpoint answered without an access token"));
        answer.text("refresh_token").filter(rotated -> !rotated.equals(usedRefreshToken))
                .ifPresent(rotated -> listener.rotated(channelId, rotated));
        return new AccessToken(accessToken, Instant.now().plus(answer.expiresIn().orElse(DEFAULT_LIFETIME)));
    }

    /** An access token and when the provider lets it expire. */
    private record AccessToken(String value, Instant expiresAt) {

        /** Without the token, so that logging it leaks nothing. */
        @Override
        public String toString() {
            return "AccessToken[value=***, expiresAt=" + expiresAt + "]";
        }
    }

    /** The outcome of one refresh: a token, or the failure to report (exactly one of them). */
    private record Refresh(AccessToken token, RuntimeException failure) {
    }

    /**
     * Keeps each token until {@link #EXPIRY_MARGIN} before it expires; a token expiring sooner, or a failure, is not
     * kept at all.
     */
    private static final class UntilShortlyBeforeExpiry implements Expiry<UUID, Refresh> {

        @Override
        public long expireAfterCreate(UUID channelId, Refresh refresh, long currentTime) {
            if (refresh.token() == null) {
                return 0;
            }
            Duration reusable = Duration.between(Instant.now(), refresh.token().expiresAt().minus(EXPIRY_MARGIN));
            return reusable.isNegative() ? 0 : reusable.toNanos();
        }

        @Override
        public long expireAfterUpdate(UUID channelId, Refresh refresh, long currentTime, long currentDuration) {
            return expireAfterCreate(channelId, refresh, currentTime);
        }

        @Override
        public long expireAfterRead(UUID channelId, Refresh refresh, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
