package com.custarea.routes.support;

import java.net.URI;
import java.util.Optional;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The URL at which providers reach CustArea ({@code custarea.public-base-url}): what webhook signatures are computed
 * over and what status callbacks point at. Behind a proxy the request's own Host is not the URL the provider used,
 * so it is configuration; without it, a webhook's URL is taken from the request as received.
 */
@Component
public class PublicUrls {

    private final String base;

    public PublicUrls(@Value("${custarea.public-base-url:}") String base) {
        String trimmed = base == null ? "" : base.trim();
        if (!trimmed.isEmpty()) {
            URI uri = URI.create(trimmed);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("custarea.public-base-url must be an absolute URL, not " + base);
            }
        }
        this.base = trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    /** The public base URL, if configured. */
    public Optional<String> base() {
        return base.isEmpty() ? Optional.empty() : Optional.of(base);
    }

    /** The public URL of {@code pathAndQuery} (starting with /), if the base is configured. */
    public Optional<String> of(String pathAndQuery) {
        return base().map(value -> value + pathAndQuery);
    }
}
