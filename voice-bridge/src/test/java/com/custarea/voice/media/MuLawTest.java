package com.custarea.voice.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MuLawTest {

    @Test
    void encodesTheReferenceValues() {
        assertThat(MuLaw.encode(0)).isEqualTo(MuLaw.SILENCE);
        assertThat(MuLaw.decode(MuLaw.SILENCE)).isZero();
        assertThat(MuLaw.encode(Short.MAX_VALUE)).isEqualTo((byte) 0x80);
        assertThat(MuLaw.encode(Short.MIN_VALUE)).isEqualTo((byte) 0x00);
        assertThat(MuLaw.decode((byte) 0x80)).isEqualTo((short) 32124);
        assertThat(MuLaw.decode((byte) 0x00)).isEqualTo((short) -32124);
        // 0x7F is μ-law's negative zero
        assertThat(MuLaw.decode((byte) 0x7F)).isZero();
    }

    @Test
    void everyCodeSurvivesDecodingAndEncoding() {
        for (int code = 0; code < 256; code++) {
            if (code != 0x7F) {
                assertThat(MuLaw.encode(MuLaw.decode((byte) code)) & 0xFF).as("code %02x", code).isEqualTo(code);
            }
        }
    }

    @Test
    void quantizesWithinHalfAStepAndInOrder() {
        short previous = Short.MIN_VALUE;
        for (int sample = -32000; sample <= 32000; sample += 3) {
            short decoded = MuLaw.decode(MuLaw.encode(sample));
            assertThat(Math.abs(decoded - sample)).as("sample %d", sample)
                    .isLessThanOrEqualTo(Math.max(8, Math.abs(sample) / 16));
            assertThat(decoded).isGreaterThanOrEqualTo(previous);
            previous = decoded;
        }
    }

    @Test
    void measuresTheEnergyOfAFrame() {
        assertThat(MuLaw.rms(ToneAudio.silence(20).get(0))).isZero();
        double sine = ToneAudio.AMPLITUDE * Short.MAX_VALUE / Math.sqrt(2);
        assertThat(MuLaw.rms(ToneAudio.tone(20, 440).get(0))).isCloseTo(sine, within(sine * 0.03));
        assertThat(ToneAudio.tone(100, 440)).hasSize(5).allSatisfy(frame -> assertThat(frame).hasSize(160));
    }

    @Test
    void splitsRepliesIntoSentences() {
        assertThat(MediaStreamHandler.sentences("Echo: hello there. How are you?  Fine! Bye…  ok"))
                .containsExactly("Echo: hello there.", "How are you?", "Fine!", "Bye…", "ok");
        assertThat(MediaStreamHandler.sentences("  ")).isEmpty();
        assertThat(MediaStreamHandler.sentences("No stop at the end")).containsExactly("No stop at the end");
    }
}
