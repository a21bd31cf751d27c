package com.custarea.voice.media;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Audio made in the build for the tests: μ-law 8 kHz tones and silence, in Twilio's 20 ms frames of 160 bytes. */
public final class ToneAudio {

    /** Half of full scale: clearly speech-loud (an RMS of about 11,000), far from clipping. */
    public static final double AMPLITUDE = 0.5;
    private static final int SAMPLE_RATE = 8000;

    private ToneAudio() {
    }

    /** {@code ms} of a sine at {@code hz}, as frames (the last padded with silence to a whole frame). */
    public static List<byte[]> tone(int ms, double hz) {
        return frames(toneBytes(ms, hz));
    }

    /** {@code ms} of silence, as frames. */
    public static List<byte[]> silence(int ms) {
        byte[] quiet = new byte[samples(ms)];
        Arrays.fill(quiet, MuLaw.SILENCE);
        return frames(quiet);
    }

    /** {@code ms} of a sine at {@code hz} as one run of μ-law bytes. */
    public static byte[] toneBytes(int ms, double hz) {
        byte[] out = new byte[samples(ms)];
        for (int i = 0; i < out.length; i++) {
            double sample = AMPLITUDE * Short.MAX_VALUE * Math.sin(2 * Math.PI * hz * i / SAMPLE_RATE);
            out[i] = MuLaw.encode((int) Math.round(sample));
        }
        return out;
    }

    /** Cuts μ-law bytes into 160-byte frames, padding the last with silence. */
    public static List<byte[]> frames(byte[] mulaw) {
        List<byte[]> frames = new ArrayList<>();
        for (int offset = 0; offset < mulaw.length; offset += MuLaw.FRAME_BYTES) {
            byte[] frame = new byte[MuLaw.FRAME_BYTES];
            Arrays.fill(frame, MuLaw.SILENCE);
            System.arraycopy(mulaw, offset, frame, 0, Math.min(MuLaw.FRAME_BYTES, mulaw.length - offset));
            frames.add(frame);
        }
        return frames;
    }

    private static int samples(int ms) {
        return ms * SAMPLE_RATE / 1000;
    }
}
