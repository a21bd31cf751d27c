package com.custarea.routes.twilio;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.twilio.http.TwilioRestClient;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The Twilio REST clients of tenants' accounts, one per account and credential, all on one HTTP connection pool.
 * camel-twilio takes the client of the message's channel with each send, so tenants never share credentials.
 */
@Component
public class TwilioRestClients {

    private final TwilioApiHttpClient httpClient;
    private final Cache<TwilioAccount, TwilioRestClient> clients =
            Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofHours(1)).build();

    /**
     * @param apiBaseUrl where the REST API is: empty for Twilio itself; a local fake's URL in tests
     */
    public TwilioRestClients(@Value("${custarea.channels.twilio.api-base-url:}") String apiBaseUrl,
                             @Value("${custarea.channels.twilio.connect-timeout:5s}") Duration connectTimeout,
                             @Value("${custarea.channels.twilio.response-timeout:15s}") Duration responseTimeout,
                             @Value("${custarea.channels.twilio.max-connections:64}") int maxConnections) {
        Optional<URI> override = Optional.ofNullable(apiBaseUrl).filter(url -> !url.isBlank()).map(URI::create);
        this.httpClient = new TwilioApiHttpClient(override, connectTimeout, responseTimeout, maxConnections);
    }

    /** The client that calls Twilio as {@code account}. */
    public TwilioRestClient of(TwilioAccount account) {
        return clients.get(account, key -> new TwilioRestClient.Builder(key.restUsername(), key.restPassword())
                .accountSid(key.accountSid())
                .httpClient(httpClient)
                .build());
    }
}
