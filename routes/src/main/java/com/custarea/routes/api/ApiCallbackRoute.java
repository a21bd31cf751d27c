package com.custarea.routes.api;

import com.custarea.routes.support.ProviderCallErrorHandling;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * One callback to a tenant's system: build the signed request ▶ POST it with camel-http. Failures worth retrying are
 * retried by {@link ProviderCallErrorHandling}; what is left goes back to the outbound stage.
 */
@Component
public class ApiCallbackRoute extends RouteBuilder {

    public static final String ROUTE_ID = "api-channel-callback";
    public static final String ENDPOINT = "direct:" + ROUTE_ID;

    private final ApiCallbackRequestBuilder requestBuilder;
    private final int connectTimeoutMs;
    private final int responseTimeoutMs;

    public ApiCallbackRoute(ApiCallbackRequestBuilder requestBuilder,
                            @Value("${custarea.channels.api.callback-connect-timeout-ms:5000}") int connectTimeoutMs,
                            @Value("${custarea.channels.api.callback-response-timeout-ms:10000}")
                            int responseTimeoutMs) {
        this.requestBuilder = requestBuilder;
        this.connectTimeoutMs = connectTimeoutMs;
        this.responseTimeoutMs = responseTimeoutMs;
    }

    @Override
    public void configure() {
        from(ENDPOINT)
                .routeId(ROUTE_ID)
                .routeConfigurationId(ProviderCallErrorHandling.ID)
                .process(requestBuilder)
                // the URL comes from the channel (Exchange.HTTP_URI); this host is never called
                .to("http://api-channel-callback.invalid?throwExceptionOnFailure=true"
                        + "&connectTimeout=" + connectTimeoutMs
                        + "&responseTimeout=" + responseTimeoutMs
                        + "&connectionRequestTimeout=" + connectTimeoutMs);
    }
}
