package com.custarea.voice.media;

/** G.711 μ-law, the telephone network's 8-bit audio that Twilio Media Streams carry, and the energy of its frames. */
public final class MuLaw {

    /** Bytes in one 20 ms frame at 8 kHz: what Twilio sends and what we send back. */
    public static final int FRAME_BYTES = 160;

    /** The μ-law code of a zero sample: silence, used to pad a short last frame. */
    public static final byte SILENCE = (byte) 0xFF;

    // Decoding is a lookup: 256 codes, computed once.
    private static final short[] DECODED = new short[256];

    static {
        for (int code = 0; code < 256; code++) {
            DECODED[code] = expand(code);
        }
    }

    private MuLaw() {
    }

    /** The μ-law code of a 16-bit linear sample, as ITU-T G.711's reference code (G.191 ulaw_compress) makes it. */
    public static byte encode(int pcm16) {
        int linear = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, pcm16));
        // μ-law works on 14 bits: the magnitude (one's complement for negatives, as the reference has it) plus a
        // bias of 33, which puts every segment's leading one at a fixed place
        int magnitude = Math.min((linear < 0 ? ~linear : linear) >> 2, 0x1FFF - 33) + 33;
        int segment = 1;
        for (int rest = magnitude >> 6; rest != 0; rest >>= 1) {
            segment++;
        }
        // segment and mantissa are sent inverted (silence is mostly ones on the line); the top bit is the sign
        int code = ((8 - segment) << 4) | (0x0F - ((magnitude >> segment) & 0x0F));
        return (byte) (linear >= 0 ? code | 0x80 : code);
    }

    /** The 16-bit linear sample of a μ-law code. */
    public static short decode(byte mulaw) {
        return DECODED[mulaw & 0xFF];
    }

    /** Encodes 16-bit linear samples. */
    public static byte[] encode(short[] pcm16) {
        byte[] out = new byte[pcm16.length];
        for (int i = 0; i < pcm16.length; i++) {
            out[i] = encode(pcm16[i]);
        }
        return out;
    }

    /** Decodes μ-law codes to 16-bit linear samples. */
    public static short[] decode(byte[] mulaw) {
        short[] out = new short[mulaw.length];
        for (int i = 0; i < mulaw.length; i++) {
            out[i] = decode(mulaw[i]);
        }
        return out;
    }

    /** The root mean square of a frame's samples on the 16-bit scale (0 for silence, 32,124 at most). */
    public static double rms(byte[] mulaw) {
        if (mulaw == null || mulaw.length == 0) {
            return 0;
        }
        double sum = 0;
        for (byte code : mulaw) {
            double sample = decode(code);
            sum += sample * sample;
        }
        return Math.sqrt(sum / mulaw.length);
    }

    /** G.191's ulaw_expand: the middle of the code's interval, on the 16-bit scale. */
    private static short expand(int code) {
        int inverted = ~code;
        int exponent = (inverted >> 4) & 0x07;
        int mantissa = inverted & 0x0F;
        int step = 4 << (exponent + 1);
        int magnitude = (0x80 << exponent) + step * mantissa + step / 2 - 4 * 33;
        return (short) (code < 0x80 ? -magnitude : magnitude);
    }
}
