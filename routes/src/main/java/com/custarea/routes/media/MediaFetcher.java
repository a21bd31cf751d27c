package com.custarea.routes.media;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Consumer;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Downloads a provider's media file with the channel's credentials, at most {@code maxBytes} of it. Redirects are
 * followed by hand and without the credentials, which go only to the URL the provider gave (Twilio answers with a
 * redirect to a pre-signed storage URL, which must not see the account's token).
 */
@Component
public class MediaFetcher {

    private static final int MAX_REDIRECTS = 5;

    private final HttpClient http;
    private final long maxBytes;

    public MediaFetcher(@Value("${custarea.media.max-bytes:16777216}") long maxBytes,
                        @Value("${custarea.media.connect-timeout:3s}") Duration connectTimeout) {
        this.maxBytes = maxBytes;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
    }

    /** A downloaded file. */
    public record Fetched(byte[] bytes, String contentType) {
    }

    /** The server answered with a status other than 200 (after redirects). */
    public static class UnexpectedStatusException extends IOException {
        private final int status;

        public UnexpectedStatusException(String message, int status) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** The file was larger than the limit. */
    public static class TooLargeException extends IOException {
        public TooLargeException(String message) {
            super(message);
        }
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Downloads {@code url} within {@code timeout}; any failure is an IOException (too large: a TooLargeException). */
    public Fetched fetch(String url, Optional<Credentials> credentials, Duration timeout) throws IOException {
        return fetch(url, credentials, timeout, target -> { });
    }

    /**
     * Fetches {@code url} as {@link #fetch(String, Optional, Duration)} does, handing every address it is about to
     * call, the redirects' too, to {@code beforeEachHop}, which may refuse it by throwing.
     */
    public Fetched fetch(String url, Optional<Credentials> credentials, Duration timeout,
                         Consumer<URI> beforeEachHop) throws IOException {
        URI target = URI.create(url);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            beforeEachHop.accept(target);
            HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout).GET();
            if (credentials.isPresent() && hop == 0) {
                request.header("Authorization", credentials.get().basicAuthorization());
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while fetching " + url, e);
            }
            int status = response.statusCode();
            if (status >= 300 && status < 400) {
                response.body().close();
                String location = response.headers().firstValue("Location")
                        .orElseThrow(() -> new IOException("A redirect without Location from " + url));
                target = target.resolve(location);
                continue;
            }
            try (InputStream body = response.body()) {
                if (status != 200) {
                    throw new UnexpectedStatusException("Fetching " + url + " answered HTTP " + status, status);
                }
                long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (declared > maxBytes) {
                    throw new TooLargeException("The file has " + declared + " bytes; at most " + maxBytes
                            + " are kept");
                }
                byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw new TooLargeException("The file has more than " + maxBytes + " bytes");
                }
                return new Fetched(bytes, response.headers().firstValue("Content-Type").orElse(null));
            }
        }
        throw new IOException("More than " + MAX_REDIRECTS + " redirects fetching " + url);
    }

    /** HTTP Basic credentials of a provider account. */
    public record Credentials(String username, String password) {

        String basicAuthorization() {
            return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Credentials[username=" + username + "]";
        }
    }
}
