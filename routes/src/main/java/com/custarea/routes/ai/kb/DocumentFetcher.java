package com.custarea.routes.ai.kb;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

import com.custarea.routes.media.MediaFetcher;
import com.custarea.routes.support.PermanentFailure;
import com.custarea.routes.support.TransientFailure;
import com.custarea.routes.webhooks.WebhookUrlPolicy;
import org.springframework.stereotype.Component;

/**
 * Fetches a knowledge document from the URL a tenant gave: only public addresses, at every redirect too (the same
 * server-side request forgery policy as webhooks), at most the media size limit. An address refused, a 4xx answer or
 * a file too large fail the document; a network error or a 5xx is retried.
 */
@Component
public class DocumentFetcher {

    /** What the URL answered. */
    public record Fetched(byte[] bytes, String contentType) {
    }

    private final MediaFetcher fetcher;
    private final WebhookUrlPolicy policy;

    public DocumentFetcher(MediaFetcher fetcher, WebhookUrlPolicy policy) {
        this.fetcher = fetcher;
        this.policy = policy;
    }

    public Fetched fetch(String url) {
        try {
            MediaFetcher.Fetched fetched = fetcher.fetch(url, Optional.empty(), Duration.ofSeconds(20), target ->
                    policy.refusal(target.toString()).ifPresent(reason -> {
                        throw new PermanentFailure("url-refused", "The URL " + target + " " + reason);
                    }));
            return new Fetched(fetched.bytes(), fetched.contentType());
        } catch (MediaFetcher.TooLargeException e) {
            throw new PermanentFailure("too-large", e.getMessage());
        } catch (MediaFetcher.UnexpectedStatusException e) {
            if (e.status() >= 400 && e.status() < 500) {
                throw new PermanentFailure("fetch-refused", e.getMessage());
            }
            throw new TransientFailure("Fetching " + url + " failed: " + e.getMessage(), null, e);
        } catch (IOException e) {
            throw new TransientFailure("Fetching " + url + " failed: " + e.getMessage(), null, e);
        }
    }
}
