package com.custarea.voice.realtime;

import java.io.IOException;

import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * The realtime mode's per-frame messages read and written without a JSON tree: Twilio's {@code media} frames and the
 * model's audio deltas pulled from the text with a streaming parser, the audio sent on as JSON built as text.
 */
final class AudioFrames {

    private static final JsonFactory JSON = PayloadJson.mapper().getFactory();
    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

    /** A Twilio media frame: its base64 μ-law and track (inbound when it names none). */
    record TwilioMedia(String payload, String track) {
    }

    /** A piece of the model's audio: its item and base64 μ-law. */
    record ModelAudio(String itemId, String delta) {
    }

    private AudioFrames() {
    }

    /** The media frame {@code message} is, or null when it is another event (or not JSON: parse it the usual way). */
    static TwilioMedia twilioMedia(String message) {
        try (JsonParser parser = JSON.createParser(message)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String event = null;
            String payload = null;
            String track = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("event".equals(field) && value == JsonToken.VALUE_STRING) {
                    event = parser.getText();
                    if (!"media".equals(event)) {
                        return null;
                    }
                } else if ("media".equals(field) && value == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String inner = parser.currentName();
                        JsonToken innerValue = parser.nextToken();
                        if ("payload".equals(inner) && innerValue == JsonToken.VALUE_STRING) {
                            payload = parser.getText();
                        } else if ("track".equals(inner) && innerValue == JsonToken.VALUE_STRING) {
                            track = parser.getText();
                        } else {
                            parser.skipChildren();
                        }
                    }
                } else {
                    parser.skipChildren();
                }
            }
            return "media".equals(event) ? new TwilioMedia(payload, track == null ? "inbound" : track) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The audio delta {@code message} is, or null when it is another event (or not JSON). */
    static ModelAudio modelAudio(String message) {
        try (JsonParser parser = JSON.createParser(message)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String type = null;
            String itemId = "";
            String delta = "";
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value != JsonToken.VALUE_STRING) {
                    parser.skipChildren();
                } else if ("type".equals(field)) {
                    type = parser.getText();
                    if (!isAudioDelta(type)) {
                        return null;
                    }
                } else if ("item_id".equals(field)) {
                    itemId = parser.getText();
                } else if ("delta".equals(field)) {
                    delta = parser.getText();
                }
            }
            return isAudioDelta(type) ? new ModelAudio(itemId, delta) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isAudioDelta(String type) {
        return "response.output_audio.delta".equals(type) || "response.audio.delta".equals(type);
    }

    /** The model's {@code input_audio_buffer.append} of {@code payload}. */
    static String append(String payload) {
        return "{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + quote(payload) + "\"}";
    }

    /** Twilio's {@code media} message of {@code payload} for the stream {@code streamSid}. */
    static String twilioMedia(String streamSid, String payload) {
        return "{\"event\":\"media\",\"streamSid\":\"" + quote(streamSid) + "\",\"media\":{\"payload\":\""
                + quote(payload) + "\"}}";
    }

    /** Twilio's {@code mark} message named {@code name} for the stream {@code streamSid}. */
    static String twilioMark(String streamSid, String name) {
        return "{\"event\":\"mark\",\"streamSid\":\"" + quote(streamSid) + "\",\"mark\":{\"name\":\"" + quote(name)
                + "\"}}";
    }

    private static String quote(String text) {
        return new String(QUOTE.quoteAsString(text));
    }
}
