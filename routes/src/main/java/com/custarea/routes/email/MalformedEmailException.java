package com.custarea.routes.email;

import com.custarea.routes.support.PermanentFailure;

/**
 * Raw bytes that cannot be read as an e-mail (not MIME, no sender, nested too deep, or over the size limit): a
 * permanent failure, since reading the same bytes again gives the same answer.
 */
public class MalformedEmailException extends PermanentFailure {

    public static final String CODE = "malformed-email";

    public MalformedEmailException(String message) {
        super(CODE, message);
    }

    public MalformedEmailException(String message, Throwable cause) {
        super(CODE, message);
        initCause(cause);
    }
}
