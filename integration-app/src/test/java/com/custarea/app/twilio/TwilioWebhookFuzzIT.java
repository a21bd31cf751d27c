package com.custarea.app.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import com.custarea.app.support.TwilioWebhookClient;
import com.custarea.routes.twilio.TwilioWebhookPaths;
import com.custarea.schemas.PayloadJson;
import org.junit.jupiter.api.Test;

/**
 * Throws random, malformed and hostile webhooks at the Twilio endpoints, many of them validly signed (so they get
 * past the signature into the parsing): whatever comes in, the answer is a 2xx or a 4xx problem, never a 500.
 * The seed is printed; {@code -Dfuzz.seed=N} replays a run.
 */
class TwilioWebhookFuzzIT extends TwilioIntegrationTest {

    private static final int REQUESTS = 300;
    private static final String[] NAMES = {
        "MessageSid", "SmsMessageSid", "AccountSid", "From", "To", "Body", "NumMedia", "MediaUrl0",
        "MediaContentType0", "MediaUrl1", "ProfileName", "Latitude", "Longitude", "Address", "Label", "ButtonText",
        "ButtonPayload", "MessagingServiceSid", "MessageStatus", "ErrorCode", "OriginalRepliedMessageSid", "WaId"
    };

    @Test
    void noWebhookEverMakesA500() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("TwilioWebhookFuzzIT seed: " + seed);
        Random random = new Random(seed);
        TwilioChannel whatsapp = twilioChannel(registerTenant(), "whatsapp", false);
        TwilioChannel sms = twilioChannel(whatsapp.admin(), "sms", false);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            TwilioChannel channel = random.nextBoolean() ? whatsapp : sms;
            String path = switch (random.nextInt(4)) {
                case 0 -> TwilioWebhookPaths.statusCallback(channel.channelId(), random.nextBoolean()
                        ? UUID.randomUUID() : UUID.nameUUIDFromBytes(new byte[] {(byte) i}));
                case 1 -> TwilioWebhookPaths.STATUS + "?channelId=" + queryGarbage(random) + "&messageId=x";
                default -> channel.webhookPath();
            };
            Map<String, String> params = params(random, channel);
            String contentType;
            String body;
            String signature;
            switch (random.nextInt(10)) {
                case 0 -> {
                    contentType = "application/json";
                    body = random.nextBoolean() ? PayloadJson.write(params) : garbage(random);
                    path = path + (path.contains("?") ? "&" : "?") + "bodySHA256=" + queryGarbage(random);
                    signature = TwilioWebhookClient.signature(channel.authToken(),
                            TwilioWebhookClient.PUBLIC_BASE_URL + path, Map.of());
                }
                case 1 -> {
                    contentType = random.nextBoolean() ? "text/plain" : "multipart/form-data; boundary=x";
                    body = garbage(random);
                    signature = "x";
                }
                case 2 -> {
                    contentType = "application/x-www-form-urlencoded";
                    body = garbage(random);
                    signature = random.nextBoolean() ? null : headerGarbage(random);
                }
                default -> {
                    contentType = "application/x-www-form-urlencoded; charset=utf-8";
                    body = TwilioWebhookClient.formEncode(params);
                    signature = random.nextInt(5) == 0 ? headerGarbage(random) : TwilioWebhookClient.signature(
                            channel.authToken(), TwilioWebhookClient.PUBLIC_BASE_URL + path, params);
                }
            }
            HttpResponse<String> response = twilio.send(path, contentType, body, signature);
            if (response.statusCode() >= 500) {
                failures.add(response.statusCode() + " for POST " + path + " (" + contentType + ") " + body + " → "
                        + response.body());
            } else if (response.statusCode() >= 400) {
                assertThat(response.headers().firstValue("Content-Type")).as(response.body())
                        .contains("application/problem+json");
            }
        }
        assertThat(failures).as("seed " + seed).isEmpty();
    }

    private static Map<String, String> params(Random random, TwilioChannel channel) {
        Map<String, String> params = new LinkedHashMap<>(incoming(channel, randomNumber(), "fuzz"));
        int changes = random.nextInt(6);
        for (int i = 0; i < changes; i++) {
            String name = NAMES[random.nextInt(NAMES.length)];
            switch (random.nextInt(4)) {
                case 0 -> params.remove(name);
                case 1 -> params.put(name, garbage(random));
                case 2 -> params.put(name, special(random));
                default -> params.put(garbage(random), garbage(random));
            }
        }
        return params;
    }

    private static String special(Random random) {
        String[] values = {
            "", " ", "-1", "0", "11", "99999999999999999999", "NaN", "1e308", "91", "-181", "45.5",
            "whatsapp:", "whatsapp:+", "+", "+0000", "tel:+447700900123", "http://127.0.0.1:1/nothing-here",
            "javascript:alert(1)", "https://", "ftp://example.com/file", "%", "%zz", "SM" + "0".repeat(32),
            "\u0000", "\uD83D\uDE00", "a".repeat(30_000), "<Response><Say>hi</Say></Response>", "{\"json\":true}"
        };
        return values[random.nextInt(values.length)];
    }

    /** Garbage a client can put in a URL (percent-encoded; a malformed escape never leaves an HTTP client). */
    private static String queryGarbage(Random random) {
        return java.net.URLEncoder.encode(garbage(random), StandardCharsets.UTF_8);
    }

    /** Garbage an HTTP client lets through as a header value (visible ASCII). */
    private static String headerGarbage(Random random) {
        return garbage(random).replaceAll("[^\\x21-\\x7e]", "") + "x";
    }

    private static String garbage(Random random) {
        int length = random.nextInt(64);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            if (kind < 6) {
                text.append((char) (' ' + random.nextInt(95)));
            } else if (kind < 8) {
                text.append("%&=+".charAt(random.nextInt(4)));
            } else {
                byte[] bytes = new byte[2];
                random.nextBytes(bytes);
                text.append(new String(bytes, StandardCharsets.ISO_8859_1));
            }
        }
        return text.toString();
    }
}
