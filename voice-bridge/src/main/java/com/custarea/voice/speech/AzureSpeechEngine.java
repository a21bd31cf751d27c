package com.custarea.voice.speech;

import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.microsoft.cognitiveservices.speech.CancellationReason;
import com.microsoft.cognitiveservices.speech.PropertyId;
import com.microsoft.cognitiveservices.speech.ResultReason;
import com.microsoft.cognitiveservices.speech.SpeechConfig;
import com.microsoft.cognitiveservices.speech.SpeechRecognitionResult;
import com.microsoft.cognitiveservices.speech.SpeechRecognizer;
import com.microsoft.cognitiveservices.speech.SpeechSynthesisCancellationDetails;
import com.microsoft.cognitiveservices.speech.SpeechSynthesisOutputFormat;
import com.microsoft.cognitiveservices.speech.SpeechSynthesisResult;
import com.microsoft.cognitiveservices.speech.SpeechSynthesizer;
import com.microsoft.cognitiveservices.speech.audio.AudioConfig;
import com.microsoft.cognitiveservices.speech.audio.AudioInputStream;
import com.microsoft.cognitiveservices.speech.audio.AudioStreamFormat;
import com.microsoft.cognitiveservices.speech.audio.AudioStreamWaveFormat;
import com.microsoft.cognitiveservices.speech.audio.PushAudioInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speech engine on Azure AI Speech: continuous recognition of the caller's μ-law pushed as it comes, and
 * synthesis straight to raw 8 kHz μ-law, so neither direction is resampled or transcoded on the bridge.
 */
public class AzureSpeechEngine implements SpeechEngine, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AzureSpeechEngine.class);
    static final String DEFAULT_LANGUAGE = "en-US";
    // How long the caller must pause before a phrase is final: the service's default (about 500 ms to over a second)
    // makes the bot slow to answer on the phone.
    static final String END_OF_PHRASE_SILENCE_MS = "500";

    private final String key;
    private final String region;
    private final String host;
    private final String defaultVoice;
    // The SDK's calls that wait (stopping a recognition, a synthesis until its end) run here, never on a socket's
    // thread; a cached pool, since each call has at most a recognition and a synthesis at a time.
    private final ExecutorService blocking = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "azure-speech-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    });

    /**
     * @param key          the Speech resource's key
     * @param region       its region (e.g. westeurope); ignored when {@code host} is set
     * @param host         a host to use instead of the region's (a Speech container, a private endpoint), or blank
     * @param defaultVoice the voice of lines that name none (e.g. en-US-JennyNeural), or blank for the language's
     */
    public AzureSpeechEngine(String key, String region, String host, String defaultVoice) {
        this.key = key == null ? "" : key.strip();
        this.region = region == null ? "" : region.strip();
        this.host = host == null ? "" : host.strip();
        this.defaultVoice = defaultVoice == null ? "" : defaultVoice.strip();
        // Nothing of the SDK is touched here: its native library loads on first use, so an application whose lines
        // never use the legacy mode starts without it, and a missing key fails the first legacy call, not startup.
        if (this.key.isEmpty() && this.host.isEmpty()) {
            LOG.warn("No Azure Speech key (custarea.voice.speech.azure.key): legacy-mode calls will fail");
        }
    }

    @Override
    public Recognition startRecognition(String language, RecognitionListener listener) {
        return new AzureRecognition(language, listener);
    }

    @Override
    public Synthesis synthesize(String text, String language, String voice, SynthesisListener listener) {
        AzureSynthesis synthesis = new AzureSynthesis();
        blocking.execute(() -> synthesis.run(text, language, voice, listener));
        return synthesis;
    }

    /** The configuration of the service, without the language or formats. */
    SpeechConfig baseConfig() {
        if (!host.isEmpty()) {
            // a Speech container needs no key
            return key.isEmpty() ? SpeechConfig.fromHost(URI.create(host))
                    : SpeechConfig.fromHost(URI.create(host), key);
        }
        if (key.isEmpty()) {
            throw new IllegalStateException("No Azure Speech key: set custarea.voice.speech.azure.key");
        }
        return SpeechConfig.fromSubscription(key, region);
    }

    /** The configuration of a recognition in {@code language}. */
    SpeechConfig recognitionConfig(String language) {
        SpeechConfig config = baseConfig();
        config.setSpeechRecognitionLanguage(languageOr(language));
        config.setProperty(PropertyId.Speech_SegmentationSilenceTimeoutMs, END_OF_PHRASE_SILENCE_MS);
        return config;
    }

    /** The configuration of a synthesis: raw μ-law at 8 kHz, exactly what Twilio plays, with no header. */
    SpeechConfig synthesisConfig(String language, String voice) {
        SpeechConfig config = baseConfig();
        config.setSpeechSynthesisLanguage(languageOr(language));
        String chosen = voice != null && !voice.isBlank() ? voice.strip() : defaultVoice;
        if (!chosen.isEmpty()) {
            config.setSpeechSynthesisVoiceName(chosen);
        }
        config.setSpeechSynthesisOutputFormat(SpeechSynthesisOutputFormat.Raw8Khz8BitMonoMULaw);
        return config;
    }

    /** The format of the audio we push: Twilio's μ-law, 8 kHz, 8 bits, mono, with no header. */
    static AudioStreamFormat callerAudioFormat() {
        return AudioStreamFormat.getWaveFormat(8000L, (short) 8, (short) 1, AudioStreamWaveFormat.MULAW);
    }

    private static String languageOr(String language) {
        return language == null || language.isBlank() ? DEFAULT_LANGUAGE : language.strip();
    }

    /** Lets the recognitions being closed release their native resources, then stops the pool. */
    @Override
    public void close() {
        blocking.shutdown();
        try {
            if (!blocking.awaitTermination(15, TimeUnit.SECONDS)) {
                blocking.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            blocking.shutdownNow();
        }
    }

    /** One call's recognition: a push stream into a continuous recognizer. */
    final class AzureRecognition implements Recognition {

        private final SpeechConfig config;
        private final AudioStreamFormat format;
        private final PushAudioInputStream stream;
        private final AudioConfig audio;
        private final SpeechRecognizer recognizer;
        private final Future<Void> started;
        private final AtomicBoolean closed = new AtomicBoolean();
        // whether the phrase being heard has been announced: one onSpeechStarted per phrase
        private final AtomicBoolean phraseStarted = new AtomicBoolean();

        AzureRecognition(String language, RecognitionListener listener) {
            config = recognitionConfig(language);
            format = callerAudioFormat();
            stream = AudioInputStream.createPushStream(format);
            audio = AudioConfig.fromStreamInput(stream);
            recognizer = new SpeechRecognizer(config, audio);
            // Barge-in on the first hypothesis of a phrase rather than on speechStartDetected: the service's voice
            // activity fires on any noise on the line (a cough, a car), a hypothesis only when words were heard.
            recognizer.recognizing.addEventListener((sender, event) -> {
                if (!closed.get() && phraseStarted.compareAndSet(false, true)) {
                    listener.onSpeechStarted();
                }
            });
            recognizer.recognized.addEventListener((sender, event) -> {
                phraseStarted.set(false);
                SpeechRecognitionResult result = event.getResult();
                if (!closed.get() && result.getReason() == ResultReason.RecognizedSpeech
                        && result.getText() != null && !result.getText().isBlank()) {
                    listener.onRecognized(result.getText());
                }
            });
            recognizer.canceled.addEventListener((sender, event) -> {
                if (event.getReason() == CancellationReason.Error) {
                    LOG.warn("Azure recognition failed: {} {}", event.getErrorCode(), event.getErrorDetails());
                }
            });
            // Not awaited: connecting to the service takes a round trip, and the socket thread must not wait for
            // it; audio written meanwhile is buffered by the push stream.
            started = recognizer.startContinuousRecognitionAsync();
        }

        @Override
        public void write(byte[] mulaw8k) {
            if (!closed.get() && mulaw8k.length > 0) {
                try {
                    stream.write(mulaw8k);
                } catch (RuntimeException e) {
                    // the stream was closed under us: the call is ending
                    LOG.debug("Audio written to a closed recognition", e);
                }
            }
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                try {
                    blocking.execute(this::dispose);
                } catch (RejectedExecutionException e) {
                    // the engine is shutting down: release here rather than leak the native handles
                    dispose();
                }
            }
        }

        private void dispose() {
            try {
                // the recognizer cannot be closed while a start or stop is pending: await both, bounded
                started.get(10, TimeUnit.SECONDS);
                recognizer.stopContinuousRecognitionAsync().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.debug("Stopping an Azure recognition", e);
            }
            // method references: AudioStreamFormat has a close() but is not AutoCloseable
            closeQuietly("recognizer", recognizer::close);
            closeQuietly("audio config", audio::close);
            closeQuietly("push stream", stream::close);
            closeQuietly("audio format", format::close);
            closeQuietly("speech config", config::close);
        }
    }

    /** One sentence's synthesis; cancelling stops the synthesizer and silences the listener. */
    final class AzureSynthesis implements Synthesis {

        private volatile boolean cancelled;
        private volatile SpeechSynthesizer synthesizer;

        @Override
        public void cancel() {
            cancelled = true;
            SpeechSynthesizer running = synthesizer;
            if (running != null) {
                try {
                    running.StopSpeakingAsync();
                } catch (RuntimeException e) {
                    LOG.debug("Stopping an Azure synthesis", e);
                }
            }
        }

        void run(String text, String language, String voice, SynthesisListener listener) {
            if (cancelled) {
                return;
            }
            // A synthesizer per sentence: StopSpeakingAsync stops everything a synthesizer is doing, so sharing one
            // between calls would let one caller's barge-in cut another's audio. The null AudioConfig keeps the
            // audio in memory: it arrives in the Synthesizing events, chunk by chunk.
            try (SpeechConfig config = synthesisConfig(language, voice);
                 SpeechSynthesizer speaker = new SpeechSynthesizer(config, (AudioConfig) null)) {
                speaker.Synthesizing.addEventListener((sender, event) -> {
                    byte[] chunk = event.getResult().getAudioData();
                    if (!cancelled && chunk != null && chunk.length > 0) {
                        listener.onAudio(chunk);
                    }
                });
                synthesizer = speaker;
                if (cancelled) {
                    return;
                }
                try (SpeechSynthesisResult result = speaker.SpeakTextAsync(text).get(60, TimeUnit.SECONDS)) {
                    if (result.getReason() == ResultReason.Canceled && !cancelled) {
                        SpeechSynthesisCancellationDetails details = SpeechSynthesisCancellationDetails
                                .fromResult(result);
                        LOG.warn("Azure synthesis failed: {} {} {}", details.getReason(), details.getErrorCode(),
                                details.getErrorDetails());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception | LinkageError e) {
                // LinkageError: the SDK's native library cannot load here; the sentence is skipped, not awaited
                LOG.warn("Azure synthesis failed", e);
            } finally {
                synthesizer = null;
            }
            if (!cancelled) {
                listener.onDone();
            }
        }
    }

    private static void closeQuietly(String what, AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("Closing the {}", what, e);
        }
    }
}
