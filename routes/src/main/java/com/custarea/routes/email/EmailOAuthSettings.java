package com.custarea.routes.email;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.custarea.routes.support.PublicUrls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The OAuth clients CustArea connects Gmail and Outlook mailboxes with, read from the settings. */
@Component
public class EmailOAuthSettings {

    private static final Logger LOG = LoggerFactory.getLogger(EmailOAuthSettings.class);

    /** Where Google sends the person back, below the public base URL. */
    public static final String GOOGLE_CALLBACK_PATH = "/oauth/google";
    /** Where Microsoft sends the person back, below the public base URL. */
    public static final String MICROSOFT_CALLBACK_PATH = "/oauth/microsoft";

    private final Map<EmailProvider, OAuthProviderSettings> providers = new EnumMap<>(EmailProvider.class);
    private final Duration stateTtl;
    private final Duration connectTimeout;
    private final Duration requestTimeout;

    /**
     * A provider is configured when its client id, client secret and redirect URI are all known; the redirect URI
     * defaults to the public base URL and the provider's callback path. Microsoft's endpoints are
     * {@code {authority}/{tenant}/oauth2/v2.0/authorize} and {@code …/token}.
     */
    public EmailOAuthSettings(
            PublicUrls publicUrls,
            @Value("${custarea.email.google.client-id:${GOOGLE_CLIENT_ID:}}") String googleClientId,
            @Value("${custarea.email.google.client-secret:${GOOGLE_CLIENT_SECRET:}}") String googleClientSecret,
            @Value("${custarea.email.google.authorization-uri:https://accounts.google.com/o/oauth2/v2/auth}")
            String googleAuthorizationUri,
            @Value("${custarea.email.google.token-uri:https://oauth2.googleapis.com/token}") String googleTokenUri,
            @Value("${custarea.email.google.scopes:https://www.googleapis.com/auth/gmail.modify openid email}")
            String googleScopes,
            @Value("${custarea.email.google.redirect-uri:}") String googleRedirectUri,
            @Value("${custarea.email.microsoft.client-id:${MICROSOFT_CLIENT_ID:}}") String microsoftClientId,
            @Value("${custarea.email.microsoft.client-secret:${MICROSOFT_CLIENT_SECRET:}}")
            String microsoftClientSecret,
            @Value("${custarea.email.microsoft.tenant:common}") String microsoftTenant,
            @Value("${custarea.email.microsoft.authority:https://login.microsoftonline.com}") String microsoftAuthority,
            @Value("${custarea.email.microsoft.scopes:offline_access openid email"
                    + " https://graph.microsoft.com/Mail.ReadWrite https://graph.microsoft.com/Mail.Send"
                    + " https://graph.microsoft.com/User.Read}") String microsoftScopes,
            @Value("${custarea.email.microsoft.redirect-uri:}") String microsoftRedirectUri,
            @Value("${custarea.email.oauth.state-ttl:10m}") Duration stateTtl,
            @Value("${custarea.email.oauth.connect-timeout:5s}") Duration connectTimeout,
            @Value("${custarea.email.oauth.request-timeout:10s}") Duration requestTimeout) {
        this.stateTtl = stateTtl;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        register(EmailProvider.GMAIL, googleClientId, googleClientSecret, absolute(googleAuthorizationUri),
                absolute(googleTokenUri), googleScopes,
                redirectUri(googleRedirectUri, publicUrls, GOOGLE_CALLBACK_PATH));
        String microsoftBase = withoutTrailingSlash(microsoftAuthority) + "/" + microsoftTenant.trim()
                + "/oauth2/v2.0";
        register(EmailProvider.OUTLOOK, microsoftClientId, microsoftClientSecret,
                absolute(microsoftBase + "/authorize"), absolute(microsoftBase + "/token"), microsoftScopes,
                redirectUri(microsoftRedirectUri, publicUrls, MICROSOFT_CALLBACK_PATH));
    }

    private void register(EmailProvider provider, String clientId, String clientSecret, URI authorizationUri,
                          URI tokenUri, String scopes, Optional<String> redirectUri) {
        List<String> missing = new ArrayList<>();
        if (isBlank(clientId)) {
            missing.add("client id");
        }
        if (isBlank(clientSecret)) {
            missing.add("client secret");
        }
        if (redirectUri.isEmpty()) {
            missing.add("redirect URI (custarea.public-base-url)");
        }
        if (!missing.isEmpty()) {
            LOG.info("Connecting {} mailboxes is off: no {}", provider.wireName(), String.join(", ", missing));
            return;
        }
        providers.put(provider, new OAuthProviderSettings(provider, clientId.trim(), clientSecret.trim(),
                authorizationUri, tokenUri, normalizeScopes(scopes), redirectUri.get()));
    }

    private static Optional<String> redirectUri(String configured, PublicUrls publicUrls, String callbackPath) {
        return isBlank(configured) ? publicUrls.of(callbackPath) : Optional.of(absolute(configured).toString());
    }

    private static URI absolute(String value) {
        URI uri = URI.create(value.trim());
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("An OAuth endpoint must be an absolute URL, not " + value);
        }
        return uri;
    }

    private static String withoutTrailingSlash(String value) {
        String trimmed = value.trim();
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    /** One space between scopes: Microsoft refuses other separators for work and school accounts. */
    private static String normalizeScopes(String scopes) {
        return String.join(" ", scopes.trim().split("[\\s,]+"));
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    /** Whether mailboxes of {@code provider} can be connected (never for SES, which needs no OAuth). */
    public boolean configured(EmailProvider provider) {
        return providers.containsKey(provider);
    }

    /** The OAuth client of {@code provider}, if configured. */
    public Optional<OAuthProviderSettings> provider(EmailProvider provider) {
        return Optional.ofNullable(providers.get(provider));
    }

    /** The OAuth client of {@code provider}; an {@link EmailOAuthException} "not-configured" without one. */
    public OAuthProviderSettings require(EmailProvider provider) {
        return provider(provider).orElseThrow(() -> new EmailOAuthException(EmailOAuthException.NOT_CONFIGURED,
                "Connecting " + provider.wireName() + " mailboxes is not configured"));
    }

    /** How long a person has to complete the consent screen. */
    public Duration stateTtl() {
        return stateTtl;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The longest a call to a token endpoint may take. */
    public Duration requestTimeout() {
        return requestTimeout;
    }
}
