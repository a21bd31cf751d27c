package com.custarea.voice;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The voice bridge: carries live calls (Twilio Media Streams and ConversationRelay) to the speech engines, OpenAI
 * Realtime and the tenant's AI agent, and publishes what happens on them to calls.events. It scales with concurrent
 * calls, so it runs apart from integration-app.
 */
@SpringBootApplication
@EnableScheduling
public class VoiceBridgeApplication {

    public static void main(String[] args) {
        SpringApplication.run(VoiceBridgeApplication.class, args);
    }
}
