package com.custarea.routes.email;

import com.custarea.routes.support.PermanentFailure;

/**
 * The provider no longer honours a mailbox's refresh token (revoked, expired, password changed, new consent needed),
 * so nothing can be sent or read until someone connects the mailbox again: a {@link PermanentFailure}, since
 * retrying cannot cure it.
 */
public class EmailReauthorizationRequiredException extends PermanentFailure {

    /** The code under which a failed send records this failure. */
    public static final String CODE = "reauthorization-required";

    public EmailReauthorizationRequiredException(String message) {
        super(CODE, message);
    }
}
