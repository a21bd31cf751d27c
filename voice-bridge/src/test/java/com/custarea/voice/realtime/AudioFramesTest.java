package com.custarea.voice.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The per-frame messages read and written without a tree say what the tree would. */
class AudioFramesTest {

    @Test
    void aTwilioMediaFrameIsReadInAnyFieldOrderAndOtherEventsAreLeftToTheTree() {
        assertThat(AudioFrames.twilioMedia("{\"event\":\"media\",\"sequenceNumber\":\"3\",\"media\":{\"track\":"
                + "\"inbound\",\"chunk\":\"1\",\"timestamp\":\"5\",\"payload\":\"//7+\"},\"streamSid\":\"MZ1\"}"))
                .isEqualTo(new AudioFrames.TwilioMedia("//7+", "inbound"));
        assertThat(AudioFrames.twilioMedia("{\"media\":{\"payload\":\"AAAA\",\"extra\":{\"a\":[1,2]}},"
                + "\"event\":\"media\"}")).isEqualTo(new AudioFrames.TwilioMedia("AAAA", "inbound"));
        assertThat(AudioFrames.twilioMedia("{\"event\":\"media\",\"media\":{\"track\":\"outbound\",\"payload\":"
                + "\"AAAA\"}}")).isEqualTo(new AudioFrames.TwilioMedia("AAAA", "outbound"));
        assertThat(AudioFrames.twilioMedia("{\"event\":\"mark\",\"mark\":{\"name\":\"audio-1\"}}")).isNull();
        assertThat(AudioFrames.twilioMedia("{\"start\":{},\"event\":\"start\"}")).isNull();
        assertThat(AudioFrames.twilioMedia("not json")).isNull();
        assertThat(AudioFrames.twilioMedia("[1]")).isNull();
    }

    @Test
    void aModelAudioDeltaIsReadAndOtherEventsAreLeftToTheTree() {
        assertThat(AudioFrames.modelAudio("{\"type\":\"response.output_audio.delta\",\"event_id\":\"e1\","
                + "\"response_id\":\"r1\",\"item_id\":\"item_1\",\"output_index\":0,\"content_index\":0,"
                + "\"delta\":\"//7+\"}")).isEqualTo(new AudioFrames.ModelAudio("item_1", "//7+"));
        assertThat(AudioFrames.modelAudio("{\"delta\":\"AAAA\",\"item_id\":\"i\",\"type\":\"response.audio.delta\"}"))
                .isEqualTo(new AudioFrames.ModelAudio("i", "AAAA"));
        assertThat(AudioFrames.modelAudio("{\"type\":\"response.done\",\"response\":{\"usage\":{}}}")).isNull();
        assertThat(AudioFrames.modelAudio("{\"delta\":\"x\"}")).isNull();
        assertThat(AudioFrames.modelAudio("{")).isNull();
    }

    @Test
    void theMessagesBuiltAsTextAreTheJsonTheTreeWouldWrite() {
        JsonNode append = PayloadJson.tree(AudioFrames.append("ab+/=="));
        assertThat(append.path("type").asText()).isEqualTo("input_audio_buffer.append");
        assertThat(append.path("audio").asText()).isEqualTo("ab+/==");

        // whatever a peer sent stays one string value
        JsonNode media = PayloadJson.tree(AudioFrames.twilioMedia("MZ\"1", "a\"},\"x\":\"\\"));
        assertThat(media.path("event").asText()).isEqualTo("media");
        assertThat(media.path("streamSid").asText()).isEqualTo("MZ\"1");
        assertThat(media.at("/media/payload").asText()).isEqualTo("a\"},\"x\":\"\\");
        assertThat(media.size()).isEqualTo(3);

        JsonNode mark = PayloadJson.tree(AudioFrames.twilioMark("MZ1", "audio-7"));
        assertThat(mark.path("event").asText()).isEqualTo("mark");
        assertThat(mark.at("/mark/name").asText()).isEqualTo("audio-7");
    }
}
