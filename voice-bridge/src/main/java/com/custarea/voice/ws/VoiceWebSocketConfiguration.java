package com.custarea.voice.ws;

import java.time.Duration;

import com.custarea.voice.calls.CallSessions;
import com.custarea.voice.convrelay.ConversationRelayHandler;
import com.custarea.voice.media.MediaStreamHandler;
import com.custarea.voice.realtime.RealtimeBridgeHandler;
import com.custarea.voice.twiml.TwilioSignatures;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/** The call sockets: one path per mode, each behind Twilio's signed, single-use handshake. */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
public class VoiceWebSocketConfiguration implements WebSocketConfigurer {

    private final MediaStreamHandler legacy;
    private final RealtimeBridgeHandler realtime;
    private final ConversationRelayHandler relay;
    private final CallSessions sessions;
    private final TwilioSignatures signatures;

    public VoiceWebSocketConfiguration(MediaStreamHandler legacy, RealtimeBridgeHandler realtime,
                                       ConversationRelayHandler relay, CallSessions sessions,
                                       TwilioSignatures signatures) {
        this.legacy = legacy;
        this.realtime = realtime;
        this.relay = relay;
        this.sessions = sessions;
        this.signatures = signatures;
    }

    /**
     * A call socket that has said nothing for this long is half-open (Media Streams send a frame every 20 ms,
     * ConversationRelay at least a prompt a few minutes): closing it ends the call and frees the tenant's line.
     */
    @Bean
    ServletServerContainerFactoryBean callSocketContainer(
            @Value("${custarea.voice.socket-idle-timeout:5m}") Duration idle) {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxSessionIdleTimeout(idle.toMillis());
        container.setMaxTextMessageBufferSize(256 * 1024);
        return container;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        TwilioHandshakeInterceptor handshake = new TwilioHandshakeInterceptor(sessions, signatures);
        // Twilio's sockets come from Twilio, not from browsers: no Origin to check
        registry.addHandler(legacy, "/phone-ws/legacy/*").addInterceptors(handshake).setAllowedOrigins("*");
        registry.addHandler(realtime, "/phone-ws/realtime/*").addInterceptors(handshake).setAllowedOrigins("*");
        registry.addHandler(relay, "/phone-ws/convrelay/*").addInterceptors(handshake).setAllowedOrigins("*");
    }
}
