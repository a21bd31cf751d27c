package com.custarea.routes.twilio;

import com.twilio.http.HttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import com.twilio.http.TwilioRestClient;
import org.apache.camel.component.twilio.TwilioComponent;
import org.apache.camel.spi.ComponentCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Configures camel-twilio without an account of its own: every send names its channel's client (the
 * {@code CamelTwilio.client} header), and a send that forgot to fails instead of calling Twilio as someone else.
 */
@Configuration(proxyBeanMethods = false)
public class TwilioComponentConfiguration {

    @Bean
    ComponentCustomizer twilioWithoutDefaultAccount() {
        TwilioRestClient refusing = new TwilioRestClient.Builder("no-default-account", "no-default-account")
                .httpClient(new RefusingHttpClient())
                .build();
        return ComponentCustomizer.forType(TwilioComponent.class, component -> component.setRestClient(refusing));
    }

    /** Fails every request: camel-twilio's default client, used only by a send that named no channel client. */
    private static final class RefusingHttpClient extends HttpClient {

        @Override
        public Response makeRequest(Request request) {
            throw new IllegalStateException("A Twilio call must carry its channel's client (header "
                    + TwilioSendRoute.CLIENT_HEADER + ")");
        }
    }
}
