package com.custarea.voice.speech;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the speech engine of the legacy mode: Azure unless custarea.voice.speech.engine names another. */
@Configuration(proxyBeanMethods = false)
public class SpeechEngineConfiguration {

    // matchIfMissing: Azure is the product's engine; tests set engine=fake and bring their own bean
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "custarea.voice.speech.engine", havingValue = "azure", matchIfMissing = true)
    AzureSpeechEngine azureSpeechEngine(@Value("${custarea.voice.speech.azure.key:}") String key,
                                        @Value("${custarea.voice.speech.azure.region:}") String region,
                                        @Value("${custarea.voice.speech.azure.host:}") String host,
                                        @Value("${custarea.voice.speech.azure.voice:}") String voice) {
        return new AzureSpeechEngine(key, region, host, voice);
    }
}
