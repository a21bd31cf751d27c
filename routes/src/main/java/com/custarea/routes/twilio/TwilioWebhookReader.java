package com.custarea.routes.twilio;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.support.FormEncoding;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.support.PublicUrls;
import com.custarea.schemas.PayloadException;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.twilio.security.RequestValidator;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Reads a Twilio webhook in the order that keeps forged and bad requests out before anything is written: media type
 * and size, the parameters, the channel they are for, then {@code X-Twilio-Signature} checked with the Twilio SDK's
 * validator (HMAC-SHA1 over the URL Twilio called and the sorted POST parameters, or over the URL carrying
 * {@code bodySHA256} for a JSON body), compared in constant time. The URL is the configured public base URL plus the
 * path and query as received, since behind a proxy the Host header is not what Twilio called, with or without our
 * connection overrides' fragment (which never arrives in the request). A request that fails
 * the check is refused with 403 and counted ({@code custarea.webhooks.rejected}).
 */
@Component
public class TwilioWebhookReader {

    public static final String SIGNATURE_HEADER = "X-Twilio-Signature";
    private static final Logger LOG = LoggerFactory.getLogger(TwilioWebhookReader.class);

    private final ChannelRegistry channels;
    private final PublicUrls publicUrls;
    private final MeterRegistry meters;
    private final TwilioConnectionOverrides overrides;
    private final int maxBodyBytes;

    public TwilioWebhookReader(ChannelRegistry channels, PublicUrls publicUrls, MeterRegistry meters,
                               TwilioConnectionOverrides overrides,
                               @Value("${custarea.channels.twilio.max-webhook-bytes:65536}") int maxBodyBytes) {
        this.channels = channels;
        this.publicUrls = publicUrls;
        this.meters = meters;
        this.overrides = overrides;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * Verifies the request and returns it, its channel found by {@code channelOf} from the unverified parameters
     * and query (the signature is then checked with that channel's token).
     */
    public TwilioWebhook read(Exchange exchange, Function<Parameters, Optional<ChannelSettings>> channelOf) {
        Message message = exchange.getMessage();
        HttpServletRequest request = servletRequest(message);
        String contentType = Optional.ofNullable(message.getHeader(Exchange.CONTENT_TYPE, String.class))
                .orElse("").toLowerCase(Locale.ROOT);
        boolean json = contentType.startsWith("application/json");
        if (!json && !contentType.startsWith("application/x-www-form-urlencoded")) {
            throw ProblemException.unsupportedMediaType(
                    "Twilio webhooks are application/x-www-form-urlencoded (or application/json with bodySHA256)");
        }
        byte[] raw = Optional.ofNullable(message.getBody(byte[].class)).orElse(new byte[0]);
        if (raw.length > maxBodyBytes) {
            throw ProblemException.payloadTooLarge("The body has " + raw.length + " bytes; at most " + maxBodyBytes
                    + " are accepted");
        }
        String body = new String(raw, StandardCharsets.UTF_8);
        String queryString = request.getQueryString();
        Map<String, String> query = queryString == null ? Map.of() : FormEncoding.decode(queryString);
        Map<String, String> parameters = json ? jsonParameters(body) : FormEncoding.decode(body);
        Parameters unverified = new Parameters(parameters, query);

        String signature = message.getHeader(SIGNATURE_HEADER, String.class);
        if (signature == null || signature.isBlank()) {
            throw rejected("missing-signature", "The request has no " + SIGNATURE_HEADER + " header");
        }
        ChannelSettings channel = channelOf.apply(unverified).orElseThrow(() -> {
            LOG.warn("Twilio webhook {} for an address no channel has (To={}, MessagingServiceSid={})",
                    request.getRequestURI(), parameters.get("To"), parameters.get("MessagingServiceSid"));
            return ProblemException.notFound("No channel receives on " + Optional.ofNullable(parameters.get("To"))
                    .orElse("this address"));
        });
        TwilioAccount account = TwilioAccount.of(channel, channels).filter(a -> a.authToken() != null)
                .orElseThrow(() -> rejected("invalid-signature",
                        "The channel has no Twilio auth token to verify the signature with"));
        String url = publicUrls.base().orElseGet(() -> ownBase(request)) + request.getRequestURI()
                + (queryString == null ? "" : "?" + queryString);
        RequestValidator validator = new RequestValidator(account.authToken());
        boolean valid = false;
        for (String signedUrl : overrides.signedForms(url)) {
            valid = valid || signedOver(validator, signedUrl, json, body, parameters, query, signature.trim());
        }
        if (!valid) {
            throw rejected("invalid-signature", "The " + SIGNATURE_HEADER + " does not match the URL and parameters"
                    + " under the channel's auth token (is custarea.public-base-url the URL Twilio calls?)");
        }
        if (parameters.containsKey("AccountSid") && !parameters.get("AccountSid").equals(account.accountSid())) {
            throw rejected("account-mismatch", "The webhook is for another Twilio account than the channel's");
        }
        return new TwilioWebhook(channel, account, parameters, query);
    }

    private static boolean signedOver(RequestValidator validator, String url, boolean json, String body,
                                      Map<String, String> parameters, Map<String, String> query, String signature) {
        if (!json) {
            return validator.validate(url, parameters, signature);
        }
        try {
            return query.containsKey("bodySHA256") && validator.validate(url, body, signature);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private ProblemException rejected(String reason, String detail) {
        meters.counter("custarea.webhooks.rejected", "provider", "twilio", "reason", reason).increment();
        return ProblemException.forbidden(reason, detail);
    }

    private static Map<String, String> jsonParameters(String body) {
        JsonNode json;
        try {
            json = PayloadJson.tree(body);
        } catch (PayloadException e) {
            throw ProblemException.badRequest("The body is not valid JSON: " + e.getMessage(), List.of());
        }
        if (!json.isObject()) {
            throw ProblemException.badRequest("The body must be a JSON object", List.of());
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        json.fields().forEachRemaining(field -> parameters.put(field.getKey(),
                field.getValue().isValueNode() ? field.getValue().asText() : field.getValue().toString()));
        return parameters;
    }

    private static HttpServletRequest servletRequest(Message message) {
        if (message instanceof PlatformHttpMessage http && http.getRequest() != null) {
            return http.getRequest();
        }
        HttpServletRequest request = message.getHeader(Exchange.HTTP_SERVLET_REQUEST, HttpServletRequest.class);
        if (request == null) {
            throw new IllegalStateException("A Twilio webhook must come through the platform-http consumer");
        }
        return request;
    }

    private static String ownBase(HttpServletRequest request) {
        int port = request.getServerPort();
        boolean defaultPort = ("http".equals(request.getScheme()) && port == 80)
                || ("https".equals(request.getScheme()) && port == 443);
        return request.getScheme() + "://" + request.getServerName() + (defaultPort ? "" : ":" + port);
    }

    /** A webhook's parameters and query before verification: enough to find the channel. */
    public record Parameters(Map<String, String> parameters, Map<String, String> query) {
    }
}
