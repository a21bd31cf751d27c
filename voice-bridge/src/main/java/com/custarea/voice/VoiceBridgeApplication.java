package com.custarea.voice;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The voice bridge: the application that will carry live calls (Twilio Media Streams and ConversationRelay) to the
 * speech engines and the AI agent. It scales with concurrent calls, so it runs apart from integration-app.
 */
@SpringBootApplication
public class VoiceBridgeApplication {

    public static void main(String[] args) {
        SpringApplication.run(VoiceBridgeApplication.class, args);
    }
}
