package com.custarea.voice.speech;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.custarea.voice.media.MuLaw;
import com.custarea.voice.media.ToneAudio;

/**
 * A speech engine for tests that needs no service: it "recognizes" by energy (a loud run followed by quiet is the
 * next phrase of a script) and "speaks" a 440 Hz tone as long as the text's words.
 */
public class FakeSpeechEngine implements SpeechEngine, AutoCloseable {

    /** A frame at least this loud (RMS, 16-bit scale) is speech; ToneAudio's tones are about 11,000, silence 0. */
    public static final double LOUD_RMS = 1000;
    /** The quiet after speech that ends a phrase. */
    public static final int END_OF_PHRASE_MS = 300;
    /** How long the fake voice speaks per word. */
    public static final int MS_PER_WORD = 60;
    public static final double TONE_HZ = 440;
    /** What is recognized once the script is used up. */
    public static final String UNSCRIPTED = "hello";

    private static final Queue<String> SCRIPT = new ConcurrentLinkedQueue<>();
    private static final List<String> SPOKEN = new CopyOnWriteArrayList<>();
    private static final AtomicInteger CANCELLED = new AtomicInteger();
    private static volatile Duration pace = Duration.ZERO;

    // synthesis delivers its audio from another thread, as a real engine does
    private final ExecutorService voice = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fake-speech");
        thread.setDaemon(true);
        return thread;
    });

    /** What the callers will say, phrase by phrase, in order (replaces what was left of the previous script). */
    public static void script(String... phrases) {
        SCRIPT.clear();
        SCRIPT.addAll(Arrays.asList(phrases));
    }

    /** The texts synthesized so far, in order. */
    public static List<String> spoken() {
        return List.copyOf(SPOKEN);
    }

    /**
     * How long the voice takes per 20 ms frame it delivers (none by default: all at once); tests slow it down to
     * talk over a sentence while it is being synthesized.
     */
    public static void pace(Duration perFrame) {
        pace = perFrame;
    }

    /** How many syntheses were cancelled so far. */
    public static int cancelled() {
        return CANCELLED.get();
    }

    @Override
    public Recognition startRecognition(String language, RecognitionListener listener) {
        return new EnergyRecognition(listener);
    }

    @Override
    public Synthesis synthesize(String text, String language, String voiceName, SynthesisListener listener) {
        SPOKEN.add(text);
        ToneSynthesis synthesis = new ToneSynthesis();
        int words = text.isBlank() ? 0 : text.strip().split("\\s+").length;
        byte[] audio = ToneAudio.toneBytes(words * MS_PER_WORD, TONE_HZ);
        voice.execute(() -> {
            for (int offset = 0; offset < audio.length; offset += MuLaw.FRAME_BYTES) {
                if (synthesis.cancelled || !pause()) {
                    return;
                }
                listener.onAudio(Arrays.copyOfRange(audio, offset, Math.min(audio.length,
                        offset + MuLaw.FRAME_BYTES)));
            }
            if (!synthesis.cancelled) {
                listener.onDone();
            }
        });
        return synthesis;
    }

    /** Waits the pace; false when interrupted. */
    private static boolean pause() {
        Duration perFrame = pace;
        if (perFrame.isZero()) {
            return true;
        }
        try {
            Thread.sleep(perFrame.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        voice.shutdownNow();
    }

    /**
     * Speech is a run of loud frames: its first frame fires onSpeechStarted, and END_OF_PHRASE_MS of quiet after it
     * fires onRecognized with the script's next phrase. Events come on the writer's thread, synchronously, which
     * keeps the tests deterministic.
     */
    private static final class EnergyRecognition implements Recognition {

        private final RecognitionListener listener;
        private boolean speaking;
        private int quietMs;
        private boolean closed;

        EnergyRecognition(RecognitionListener listener) {
            this.listener = listener;
        }

        @Override
        public synchronized void write(byte[] mulaw8k) {
            if (closed) {
                return;
            }
            if (MuLaw.rms(mulaw8k) >= LOUD_RMS) {
                quietMs = 0;
                if (!speaking) {
                    speaking = true;
                    listener.onSpeechStarted();
                }
            } else if (speaking) {
                quietMs += mulaw8k.length / 8; // 8 bytes a millisecond at 8 kHz
                if (quietMs >= END_OF_PHRASE_MS) {
                    speaking = false;
                    quietMs = 0;
                    String phrase = SCRIPT.poll();
                    listener.onRecognized(phrase != null ? phrase : UNSCRIPTED);
                }
            }
        }

        @Override
        public synchronized void close() {
            closed = true;
        }
    }

    private static final class ToneSynthesis implements Synthesis {

        private volatile boolean cancelled;

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                CANCELLED.incrementAndGet();
            }
        }
    }
}
