package com.custarea.routes.twilio;

import java.util.List;
import java.util.regex.Pattern;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Twilio's connection overrides ({@code custarea.channels.twilio.connection-overrides}): the URL fragment
 * ({@code #rc=3&rp=ct,rt,5xx}) that makes Twilio retry a webhook it could not deliver, which it otherwise does not do
 * for a 5xx. We put it on every StatusCallback we give Twilio, and tenants put the same one on their numbers' webhook
 * URLs. A fragment never reaches us in the request, and Twilio does not document whether it signs the URL with it or
 * without it, so a signature is accepted over either form (both are signed with the channel's token).
 */
@Component
public class TwilioConnectionOverrides {

    /** Key=value pairs joined by {@code &}, as Twilio reads them (letters, digits, {@code ,} {@code -} {@code .} and {@code _} in values, e.g. {@code e=sao-paulo}). */
    private static final Pattern FRAGMENT = Pattern.compile(
            "[a-z]{1,4}=[A-Za-z0-9,._-]{1,32}(&[a-z]{1,4}=[A-Za-z0-9,._-]{1,32})*");

    private final String fragment;

    public TwilioConnectionOverrides(
            @Value("${custarea.channels.twilio.connection-overrides:rc=3&rp=ct,rt,5xx}") String fragment) {
        String trimmed = fragment == null ? "" : fragment.trim().replaceFirst("^#", "");
        if (!trimmed.isEmpty() && !FRAGMENT.matcher(trimmed).matches()) {
            throw new IllegalArgumentException("custarea.channels.twilio.connection-overrides must be Twilio's "
                    + "key=value pairs joined by &, like rc=3&rp=ct,rt,5xx; not " + fragment);
        }
        this.fragment = trimmed;
    }

    /** {@code url} with the overrides appended as its fragment (unchanged when none are configured). */
    public String appendTo(String url) {
        return fragment.isEmpty() ? url : url + "#" + fragment;
    }

    /** The URLs a webhook received at {@code url} may have been signed over: as received, and with the overrides. */
    public List<String> signedForms(String url) {
        return fragment.isEmpty() ? List.of(url) : List.of(url, appendTo(url));
    }
}
