package com.custarea.routes.twilio;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import com.custarea.routes.contacts.IdentifierNormaliser;
import com.custarea.routes.contacts.InvalidIdentifierException;
import com.custarea.routes.media.MediaStore;
import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.support.TextLimits;
import com.custarea.schemas.Attachment;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.InboundMessage;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Maps a verified Twilio messaging webhook to the canonical {@link InboundMessage}: the sender's number (with or
 * without {@code whatsapp:}) as a phone identifier, so one person is one contact on WhatsApp and SMS; the profile
 * name; the media, fetched and kept; a shared location and a button reply as metadata. {@code MessageSid} is the
 * provider message id, so Twilio's retry of a webhook is stored once.
 */
@Component
public class TwilioMessageMapper {

    /** Metadata keys of what a WhatsApp message carries besides text. */
    public static final String LATITUDE = "location.latitude";
    public static final String LONGITUDE = "location.longitude";
    public static final String ADDRESS = "location.address";
    public static final String LABEL = "location.label";
    public static final String BUTTON_TEXT = "button.text";
    public static final String BUTTON_PAYLOAD = "button.payload";
    public static final String REPLIED_TO = "twilio.originalRepliedMessageSid";

    private static final Pattern SID = Pattern.compile("[A-Z]{2}[0-9a-fA-F]{32}");
    private static final Pattern COORDINATE = Pattern.compile("-?\\d{1,3}(\\.\\d{1,15})?");
    private static final int MAX_MEDIA = 10;
    private static final int MAX_TEXT = 20_000;
    /** The schema's limit for a sender's name; WhatsApp profile names are far shorter, so a cut loses nothing real. */
    private static final int MAX_NAME = 200;
    private static final int MAX_CONTENT_TYPE = 255;
    private static final Pattern MIME_TYPE = Pattern.compile("[\\w.+-]+/[\\w.+-]+( *;.*)?");

    private final IdentifierNormaliser normaliser;
    private final MediaStore media;
    private final Duration mediaBudget;

    public TwilioMessageMapper(IdentifierNormaliser normaliser, MediaStore media,
                               @Value("${custarea.channels.twilio.media-fetch-budget:8s}") Duration mediaBudget) {
        this.normaliser = normaliser;
        this.media = media;
        this.mediaBudget = mediaBudget;
    }

    InboundMessage toInboundMessage(TwilioWebhook webhook, Instant now) {
        String messageSid = webhook.parameter("MessageSid").or(() -> webhook.parameter("SmsMessageSid"))
                .orElseThrow(() -> invalid("MessageSid", "is required"));
        if (!SID.matcher(messageSid).matches()) {
            throw invalid("MessageSid", "is not a Twilio message SID");
        }
        String from = webhook.parameter("From").orElseThrow(() -> invalid("From", "is required"));
        ContactIdentifier sender;
        try {
            sender = normaliser.normalise(ContactIdentifier.of(IdentifierType.PHONE, from));
        } catch (InvalidIdentifierException e) {
            throw invalid("From", e.getMessage());
        }
        String text = webhook.parameter("Body").map(body -> TextLimits.truncate(body, MAX_TEXT)).orElse(null);
        Map<String, String> metadata = new LinkedHashMap<>();
        location(webhook, metadata);
        webhook.parameter("ButtonText").ifPresent(value -> metadata.put(BUTTON_TEXT, value));
        webhook.parameter("ButtonPayload").ifPresent(value -> metadata.put(BUTTON_PAYLOAD, value));
        webhook.parameter("OriginalRepliedMessageSid").ifPresent(value -> metadata.put(REPLIED_TO, value));
        List<Attachment> attachments = media.keepAll(webhook.channel(), mediaSources(webhook, messageSid),
                mediaBudget);
        String profileName = webhook.parameter("ProfileName").map(name -> TextLimits.truncate(name, MAX_NAME))
                .orElse(null);
        return new InboundMessage(UUID.randomUUID(), webhook.channel().tenantId(), now, InboundMessage.SCHEMA_VERSION,
                messageSid, webhook.channel().type(), webhook.channel().id(), messageSid, sender,
                profileName, List.of(), null, text, null, attachments, List.of(),
                null, now, metadata);
    }

    private static void location(TwilioWebhook webhook, Map<String, String> metadata) {
        Optional<String> latitude = webhook.parameter("Latitude");
        Optional<String> longitude = webhook.parameter("Longitude");
        if (latitude.isEmpty() && longitude.isEmpty()) {
            return;
        }
        if (latitude.isEmpty() || longitude.isEmpty() || !COORDINATE.matcher(latitude.get()).matches()
                || !COORDINATE.matcher(longitude.get()).matches()
                || Math.abs(Double.parseDouble(latitude.get())) > 90
                || Math.abs(Double.parseDouble(longitude.get())) > 180) {
            throw invalid("Latitude", "a location needs a valid Latitude and Longitude");
        }
        metadata.put(LATITUDE, latitude.get());
        metadata.put(LONGITUDE, longitude.get());
        webhook.parameter("Address").ifPresent(value -> metadata.put(ADDRESS, value));
        webhook.parameter("Label").ifPresent(value -> metadata.put(LABEL, value));
    }

    private List<MediaStore.Source> mediaSources(TwilioWebhook webhook, String messageSid) {
        int count;
        try {
            count = Integer.parseInt(webhook.parameter("NumMedia").orElse("0").trim());
        } catch (NumberFormatException e) {
            throw invalid("NumMedia", "is not a number");
        }
        if (count < 0 || count > MAX_MEDIA) {
            throw invalid("NumMedia", "must be between 0 and " + MAX_MEDIA);
        }
        List<MediaStore.Source> sources = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String field = "MediaUrl" + i;
            String url = webhook.parameter(field).orElseThrow(() -> invalid(field, "is required by NumMedia"));
            if (!isHttpUrl(url)) {
                throw invalid(field, "is not an http(s) URL");
            }
            sources.add(new MediaStore.Source(DeterministicIds.of("media:" + webhook.channel().id(),
                    messageSid + ":" + i), url, contentType(webhook.parameter("MediaContentType" + i))));
        }
        return sources;
    }

    /** An announced type that is not a MIME type is dropped rather than the message: the bytes are kept as octets. */
    private static String contentType(Optional<String> announced) {
        return announced.map(String::trim)
                .filter(type -> type.length() <= MAX_CONTENT_TYPE && MIME_TYPE.matcher(type).matches())
                .orElse(null);
    }

    private static boolean isHttpUrl(String url) {
        try {
            java.net.URI uri = java.net.URI.create(url);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static ProblemException invalid(String field, String message) {
        return ProblemException.badRequest("The webhook's " + field + " " + message,
                List.of(new Problem.FieldError("/" + field, message)));
    }
}
