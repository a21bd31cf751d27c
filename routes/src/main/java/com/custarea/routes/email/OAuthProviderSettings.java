package com.custarea.routes.email;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import com.custarea.routes.support.ProviderCallErrorHandling;
import com.custarea.schemas.PayloadException;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * One provider's OAuth web client: its endpoints, credentials, scopes (space-separated) and the redirect URI
 * registered with it.
 */
public record OAuthProviderSettings(EmailProvider provider, String clientId, String clientSecret,
                                    URI authorizationUri, URI tokenUri, String scopes, String redirectUri) {

    private static final String CONTENT_TYPE = "Content-Type";
    private static final String ACCEPT = "Accept";
    private static final String RETRY_AFTER = "Retry-After";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String JSON = "application/json";
    private static final int MAX_DESCRIPTION_LENGTH = 500;

    public OAuthProviderSettings {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(authorizationUri, "authorizationUri");
        Objects.requireNonNull(tokenUri, "tokenUri");
        requireText(clientId, "clientId");
        requireText(clientSecret, "clientSecret");
        requireText(scopes, "scopes");
        requireText(redirectUri, "redirectUri");
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    /** The authorization endpoint with {@code parameters} as its query. */
    URI authorizationUrl(Map<String, String> parameters) {
        String separator = authorizationUri.getRawQuery() == null ? "?" : "&";
        // %20 for a space: "+" means a space only under form encoding, which not every reader of a URL assumes
        return URI.create(authorizationUri + separator + formEncode(parameters).replace("+", "%20"));
    }

    /** A form-encoded POST of {@code parameters} and this client's credentials to the token endpoint. */
    HttpRequest tokenRequest(Map<String, String> parameters, Duration timeout) {
        Map<String, String> form = new LinkedHashMap<>(parameters);
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        return HttpRequest.newBuilder(tokenUri)
                .timeout(timeout)
                .header(CONTENT_TYPE, FORM)
                .header(ACCEPT, JSON)
                .POST(HttpRequest.BodyPublishers.ofString(formEncode(form)))
                .build();
    }

    static String formEncode(Map<String, String> parameters) {
        return parameters.entrySet().stream()
                .map(parameter -> URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** Without the client secret, so that logging the settings leaks nothing. */
    @Override
    public String toString() {
        return "OAuthProviderSettings[provider=" + provider + ", clientId=" + clientId + ", clientSecret=***"
                + ", authorizationUri=" + authorizationUri + ", tokenUri=" + tokenUri + ", scopes=" + scopes
                + ", redirectUri=" + redirectUri + "]";
    }

    /**
     * What a token endpoint answered: tokens on 2xx, otherwise an OAuth error ({@code error},
     * {@code error_description}, RFC 6749 section 5.2). A body that is not JSON (a proxy's error page) reads as empty.
     */
    record TokenAnswer(int status, JsonNode body, Optional<Duration> retryAfter) {

        static TokenAnswer of(HttpResponse<String> response) {
            return new TokenAnswer(response.statusCode(), parse(response.body()),
                    response.headers().firstValue(RETRY_AFTER).flatMap(ProviderCallErrorHandling::parseRetryAfter));
        }

        private static JsonNode parse(String body) {
            if (body == null || body.isBlank()) {
                return MissingNode.getInstance();
            }
            try {
                return PayloadJson.tree(body);
            } catch (PayloadException notJson) {
                return MissingNode.getInstance();
            }
        }

        boolean ok() {
            return status / 100 == 2;
        }

        /** The non-blank text of {@code field}. */
        Optional<String> text(String field) {
            JsonNode value = body.path(field);
            return value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
        }

        /** The OAuth error code, or "" when the answer carries none. */
        String error() {
            return text("error").orElse("");
        }

        /** The access token's lifetime; some servers write {@code expires_in} as a string. */
        Optional<Duration> expiresIn() {
            JsonNode value = body.path("expires_in");
            if (value.canConvertToLong() && value.isNumber()) {
                return Optional.of(Duration.ofSeconds(Math.max(0, value.asLong())));
            }
            if (value.isTextual()) {
                try {
                    return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.asText().trim()))));
                } catch (NumberFormatException notSeconds) {
                    return Optional.empty();
                }
            }
            return Optional.empty();
        }

        /** The status, error code and description, for a message: never a token. */
        String describe() {
            StringBuilder text = new StringBuilder("HTTP ").append(status);
            text("error").ifPresent(error -> text.append(' ').append(error));
            text("error_description").ifPresent(description -> text.append(": ").append(
                    description.length() > MAX_DESCRIPTION_LENGTH
                            ? description.substring(0, MAX_DESCRIPTION_LENGTH) + "…" : description));
            return text.toString();
        }
    }
}
