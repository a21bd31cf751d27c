package com.custarea.voice.ws;

/** The attributes the handshake leaves on a call's WebSocket session for its handler. */
public final class CallSocketAttributes {

    /** The claimed {@link com.custarea.voice.calls.CallSession}. */
    public static final String CALL = "custarea.call";

    private CallSocketAttributes() {
    }
}
