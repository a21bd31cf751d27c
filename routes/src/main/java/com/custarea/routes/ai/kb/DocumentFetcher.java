package com.custarea.routes.ai.kb;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;

import com.custarea.routes.support.PermanentFailure;
import com.custarea.routes.support.TransientFailure;
import com.custarea.routes.webhooks.PinnedHttpClient;
import com.custarea.routes.webhooks.WebhookUrlPolicy;
import jakarta.annotation.PreDestroy;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Fetches a knowledge document from the URL a tenant gave: only public addresses, at every redirect too, on the
 * very connection (the same server-side request forgery policy as webhooks, through {@link PinnedHttpClient}), at
 * most the media size limit, within a minute. An address refused, a 4xx answer or a file too large fail the
 * document; a network error, a 5xx or the minute running out are retried.
 */
@Component
public class DocumentFetcher {

    private static final int MAX_REDIRECTS = 5;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);
    /** The longest a document may take to come, body included. */
    private static final Duration FETCH_DEADLINE = Duration.ofMinutes(1);

    /** What the URL answered. */
    public record Fetched(byte[] bytes, String contentType) {
    }

    private final WebhookUrlPolicy policy;
    private final PinnedHttpClient http;
    private final long maxBytes;

    public DocumentFetcher(WebhookUrlPolicy policy, @Value("${custarea.media.max-bytes:16777216}") long maxBytes,
                           @Value("${custarea.media.connect-timeout:3s}") Duration connectTimeout) {
        this.policy = policy;
        this.maxBytes = maxBytes;
        this.http = new PinnedHttpClient(policy, connectTimeout, READ_TIMEOUT, 8, MAX_REDIRECTS,
                "CustArea-Knowledge/1");
    }

    public Fetched fetch(String url) {
        // the scheme, user information and the first lookup; the connections check their own lookups
        Optional<String> refusal = policy.refusal(url);
        if (refusal.isPresent()) {
            throw new PermanentFailure("url-refused", "The URL " + url + " " + refusal.get());
        }
        try {
            return http.exchange(new HttpGet(url), FETCH_DEADLINE, this::read);
        } catch (WebhookUrlPolicy.RefusedAddressException e) {
            throw new PermanentFailure("url-refused", "The URL " + url + " (or a redirect from it) "
                    + e.getMessage());
        } catch (IOException e) {
            throw new TransientFailure("Fetching " + url + " failed: " + e.getMessage(), null, e);
        }
    }

    private Fetched read(ClassicHttpResponse response) throws IOException {
        int status = response.getCode();
        if (status != 200) {
            String problem = "Fetching the document answered HTTP " + status;
            if (status >= 400 && status < 500) {
                throw new PermanentFailure("fetch-refused", problem);
            }
            throw new IOException(problem);
        }
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            return new Fetched(new byte[0], null);
        }
        if (entity.getContentLength() > maxBytes) {
            throw new PermanentFailure("too-large", "The file has " + entity.getContentLength()
                    + " bytes; at most " + maxBytes + " are kept");
        }
        // not closed here: closing the body reads it to its end, however long; the exchange drops the connection
        InputStream body = entity.getContent();
        byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
            throw new PermanentFailure("too-large", "The file has more than " + maxBytes + " bytes");
        }
        return new Fetched(bytes, entity.getContentType());
    }

    @PreDestroy
    void stop() throws IOException {
        http.close();
    }
}
