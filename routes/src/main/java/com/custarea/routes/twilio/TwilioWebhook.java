package com.custarea.routes.twilio;

import java.util.Map;
import java.util.Optional;

import com.custarea.routes.channels.ChannelSettings;

/**
 * A Twilio webhook whose signature was verified against its channel's auth token.
 *
 * @param parameters the POST parameters (or a JSON body's fields), one value each
 * @param query      the query parameters of the URL Twilio called
 */
public record TwilioWebhook(ChannelSettings channel, TwilioAccount account, Map<String, String> parameters,
                            Map<String, String> query) {

    public TwilioWebhook {
        parameters = Map.copyOf(parameters);
        query = Map.copyOf(query);
    }

    /** A parameter's value, absent when missing or blank. */
    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name)).filter(value -> !value.isBlank());
    }
}
