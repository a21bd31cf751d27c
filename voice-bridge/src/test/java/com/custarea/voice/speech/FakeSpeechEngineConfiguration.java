package com.custarea.voice.speech;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** Puts the fake speech engine in the tests' context (they set custarea.voice.speech.engine=fake: no Azure). */
@TestConfiguration(proxyBeanMethods = false)
public class FakeSpeechEngineConfiguration {

    @Bean(destroyMethod = "close")
    FakeSpeechEngine fakeSpeechEngine() {
        return new FakeSpeechEngine();
    }
}
