package com.custarea.routes.support;

import java.util.Optional;

import org.apache.camel.Message;

/** Reads the body of an HTTP request as bytes, refusing it with a 413 problem when it is over a limit. */
public final class HttpBodies {

    private HttpBodies() {
    }

    /** The body of {@code message} (empty when there is none); 413 when it has more than {@code maxBytes}. */
    public static byte[] read(Message message, int maxBytes) {
        byte[] raw = Optional.ofNullable(message.getBody(byte[].class)).orElse(new byte[0]);
        if (raw.length > maxBytes) {
            throw ProblemException.payloadTooLarge("The body has " + raw.length + " bytes; at most " + maxBytes
                    + " are accepted");
        }
        return raw;
    }
}
