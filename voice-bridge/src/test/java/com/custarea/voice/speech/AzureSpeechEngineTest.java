package com.custarea.voice.speech;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.custarea.voice.media.ToneAudio;
import com.custarea.voice.speech.SpeechEngine.Recognition;
import com.custarea.voice.speech.SpeechEngine.RecognitionListener;
import com.microsoft.cognitiveservices.speech.PropertyId;
import com.microsoft.cognitiveservices.speech.SpeechConfig;
import com.microsoft.cognitiveservices.speech.audio.AudioStreamFormat;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The Azure engine is the application's engine by default, and builds its SDK objects in Twilio's μ-law. */
class AzureSpeechEngineTest {

    // The SDK is a JNI library unpacked from its jar on first use; it needs a glibc Linux (or macOS, Windows) with
    // OpenSSL. Where it cannot load, the tests that create SDK objects are skipped rather than failed: the wiring
    // test below needs no native code and always runs.
    private static final boolean SDK_LOADS = sdkLoads();
    private static final String WHY_SKIPPED = "the Azure Speech SDK's native library cannot load on this machine";

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(SpeechEngineConfiguration.class)
            .withPropertyValues("custarea.voice.speech.azure.key=dummy-key",
                    "custarea.voice.speech.azure.region=westeurope");

    @Test
    void isTheEngineUnlessAnotherIsChosen() {
        context.run(app -> assertThat(app).hasSingleBean(SpeechEngine.class).getBean(SpeechEngine.class)
                .isInstanceOf(AzureSpeechEngine.class));
        context.withPropertyValues("custarea.voice.speech.engine=azure").run(app -> assertThat(app)
                .getBean(SpeechEngine.class).isInstanceOf(AzureSpeechEngine.class));
        context.withPropertyValues("custarea.voice.speech.engine=fake").run(app -> assertThat(app)
                .doesNotHaveBean(SpeechEngine.class));
    }

    @Test
    void configuresRecognitionAndSynthesisInMuLaw() {
        assumeTrue(SDK_LOADS, WHY_SKIPPED);
        try (AzureSpeechEngine engine = new AzureSpeechEngine("dummy-key", "westeurope", "", "en-US-JennyNeural")) {
            try (SpeechConfig recognition = engine.recognitionConfig("de-DE")) {
                assertThat(recognition.getSpeechRecognitionLanguage()).isEqualTo("de-DE");
                assertThat(recognition.getProperty(PropertyId.Speech_SegmentationSilenceTimeoutMs))
                        .isEqualTo(AzureSpeechEngine.END_OF_PHRASE_SILENCE_MS);
            }
            try (SpeechConfig synthesis = engine.synthesisConfig("en-GB", null)) {
                assertThat(synthesis.getProperty(PropertyId.SpeechServiceConnection_SynthOutputFormat))
                        .isEqualToIgnoringCase("raw-8khz-8bit-mono-mulaw");
                assertThat(synthesis.getProperty(PropertyId.SpeechServiceConnection_SynthLanguage))
                        .isEqualTo("en-GB");
                // the line names no voice: the engine's default
                assertThat(synthesis.getProperty(PropertyId.SpeechServiceConnection_SynthVoice))
                        .isEqualTo("en-US-JennyNeural");
            }
            try (SpeechConfig synthesis = engine.synthesisConfig(null, "en-GB-SoniaNeural")) {
                assertThat(synthesis.getProperty(PropertyId.SpeechServiceConnection_SynthVoice))
                        .isEqualTo("en-GB-SoniaNeural");
                assertThat(synthesis.getProperty(PropertyId.SpeechServiceConnection_SynthLanguage))
                        .isEqualTo(AzureSpeechEngine.DEFAULT_LANGUAGE);
            }
            AudioStreamFormat callerAudio = AzureSpeechEngine.callerAudioFormat();
            assertThat(callerAudio.getImpl()).isNotNull();
            callerAudio.close();
        }
    }

    @Test
    void startsTakesAudioAndClosesARecognitionWithoutTheService() {
        assumeTrue(SDK_LOADS, WHY_SKIPPED);
        // A host on the loopback with nothing listening: the recognizer's connection is refused at once, so the
        // test never reaches out of the machine; a failed connection is reported as a cancellation, not thrown.
        String host = "ws://127.0.0.1:" + closedPort();
        List<String> heard = new CopyOnWriteArrayList<>();
        try (AzureSpeechEngine engine = new AzureSpeechEngine("dummy-key", "", host, "")) {
            assertThatCode(() -> {
                Recognition recognition = engine.startRecognition("en-US", new RecognitionListener() {
                    @Override
                    public void onSpeechStarted() {
                        heard.add("started");
                    }

                    @Override
                    public void onRecognized(String text) {
                        heard.add(text);
                    }
                });
                ToneAudio.silence(200).forEach(recognition::write);
                recognition.close();
                // closing twice is harmless: the handler may close on stop and again on the socket's close
                recognition.close();
            }).doesNotThrowAnyException();
        }
        assertThat(heard).isEmpty();
    }

    private static boolean sdkLoads() {
        try (SpeechConfig probe = SpeechConfig.fromSubscription("probe-key", "westeurope")) {
            return probe != null;
        } catch (LinkageError | UnsupportedOperationException e) {
            // ExceptionInInitializerError / UnsatisfiedLinkError / NoClassDefFoundError: no native library
            return false;
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
