package com.custarea.routes.twilio;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

import com.custarea.routes.support.ProviderCallErrorHandling;
import com.custarea.routes.support.TransientFailure;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.routing.HttpRoutePlanner;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.Timeout;

/**
 * The HTTP client under the Twilio SDK: one attempt per call (Camel's provider error handling retries, honouring
 * Retry-After, so the SDK's own blind retries are off), 429 and 5xx answers raised as {@link TransientFailure}, and
 * optionally every request routed to another host (a local fake of Twilio's API) with path and query unchanged.
 */
class TwilioApiHttpClient extends NetworkHttpClient {

    TwilioApiHttpClient(Optional<URI> apiOverride, Duration connectTimeout, Duration responseTimeout,
                        int maxConnections) {
        super(builder(apiOverride, connectTimeout, responseTimeout, maxConnections));
    }

    private static HttpClientBuilder builder(Optional<URI> apiOverride, Duration connectTimeout,
                                             Duration responseTimeout, int maxConnections) {
        HttpClientBuilder builder = HttpClientBuilder.create()
                .useSystemProperties()
                // the default pool allows 5 connections per host: every tenant's sends go to api.twilio.com
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(maxConnections)
                        .setMaxConnPerRoute(maxConnections)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout)).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.of(connectTimeout))
                        .setResponseTimeout(Timeout.of(responseTimeout))
                        .build());
        apiOverride.ifPresent(uri -> builder.setRoutePlanner(new FixedTargetRoutePlanner(HttpHost.create(uri))));
        return builder;
    }

    @Override
    public Response reliableRequest(Request request, int[] retryCodes, int retries, long delayMillis) {
        return makeRequest(request);
    }

    @Override
    public Response reliableRequest(Request request) {
        return makeRequest(request);
    }

    @Override
    public Response makeRequest(Request request) {
        Response response = super.makeRequest(request);
        int status = response.getStatusCode();
        if (status == 429 || status >= 500) {
            throw new TransientFailure("Twilio answered HTTP " + status + ": " + abbreviate(response.getContent()),
                    retryAfter(response.getHeaders()).orElse(null));
        }
        return response;
    }

    static Optional<Duration> retryAfter(Header[] headers) {
        if (headers == null) {
            return Optional.empty();
        }
        return Arrays.stream(headers).filter(header -> header.getName().equalsIgnoreCase("Retry-After"))
                .map(Header::getValue).findFirst()
                .flatMap(ProviderCallErrorHandling::parseRetryAfter);
    }

    private static String abbreviate(String content) {
        if (content == null) {
            return "";
        }
        return content.length() > 300 ? content.substring(0, 300) + "…" : content;
    }

    /** Sends every request to one host: how tests point the real SDK at a fake of api.twilio.com. */
    private record FixedTargetRoutePlanner(HttpHost target) implements HttpRoutePlanner {

        @Override
        public HttpRoute determineRoute(HttpHost host, HttpContext context) {
            return new HttpRoute(target);
        }
    }
}
