package com.custarea.voice.speech;

/** Speech recognition and synthesis for the legacy mode, in Twilio's audio format: μ-law, 8 kHz, mono. */
public interface SpeechEngine {

    /**
     * Starts recognising a call's caller in {@code language} (e.g. en-US; null: the engine's default). The listener
     * is called on the engine's threads, or on the writer's for engines that recognise synchronously.
     */
    Recognition startRecognition(String language, RecognitionListener listener);

    /**
     * Starts speaking {@code text} in {@code language} with {@code voice} (null: the engine's default for the
     * language). Audio streams to the listener as it is made, so the first chunk can play before the last is ready.
     */
    Synthesis synthesize(String text, String language, String voice, SynthesisListener listener);

    /** A recognition in progress: the caller's audio goes in, phrases come out through its listener. */
    interface Recognition extends AutoCloseable {

        /** Adds audio: μ-law bytes at 8 kHz (Twilio's media payloads, decoded from base64). */
        void write(byte[] mulaw8k);

        /** Stops recognising and frees the engine's resources; no more events after it. */
        @Override
        void close();
    }

    /** What a recognition reports. */
    interface RecognitionListener {

        /** The caller began talking: the bot should stop if it is talking (barge-in). */
        void onSpeechStarted();

        /** A final phrase of the caller. */
        void onRecognized(String text);
    }

    /** A synthesis in progress. */
    interface Synthesis {

        /** Stops it: the listener hears nothing more, not even {@link SynthesisListener#onDone()}. */
        void cancel();
    }

    /** What a synthesis delivers. */
    interface SynthesisListener {

        /** A chunk of the speech, μ-law at 8 kHz, of any length. */
        void onAudio(byte[] mulaw);

        /**
         * All audio was delivered; called once, also when the engine failed (it logs why), so the caller never waits
         * for a sentence that will not come.
         */
        void onDone();
    }
}
