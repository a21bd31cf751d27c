package com.custarea.voice.twiml;

import java.util.Map;

import com.twilio.security.RequestValidator;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Checks X-Twilio-Signature with the Twilio SDK's validator (HMAC-SHA1 of the URL as Twilio called it and the sorted
 * POST parameters, compared in constant time). The URL is this bridge's public address plus the path and query, never
 * the Host header: behind a proxy that is not what Twilio signed.
 */
@Component
public class TwilioSignatures {

    private final String publicBaseUrl;

    public TwilioSignatures(@Value("${custarea.voice.public-base-url}") String publicBaseUrl) {
        this.publicBaseUrl = publicBaseUrl.replaceAll("/+$", "");
    }

    /** The URL Twilio used for {@code pathAndQuery} on this bridge, in {@code scheme} (https, or wss for sockets). */
    public String publicUrl(String pathAndQuery, boolean socket) {
        String base = socket ? publicBaseUrl.replaceFirst("^http", "ws") : publicBaseUrl;
        return base + pathAndQuery;
    }

    public boolean valid(String authToken, String url, Map<String, String> parameters, String signature) {
        if (authToken == null || authToken.isBlank() || signature == null || signature.isBlank()) {
            return false;
        }
        return new RequestValidator(authToken).validate(url, parameters, signature);
    }
}
