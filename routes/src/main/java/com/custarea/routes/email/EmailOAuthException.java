package com.custarea.routes.email;

/**
 * An OAuth authorization with Gmail or Outlook that cannot go on; {@link #reason()} says why, as one of the codes
 * below, so the caller can answer the person who connects the mailbox without parsing the message.
 */
public class EmailOAuthException extends RuntimeException {

    /** The provider has no client id, client secret or redirect URI configured. */
    public static final String NOT_CONFIGURED = "not-configured";
    /** The state is unknown, tampered with, already used, expired, or belongs to the other provider. */
    public static final String INVALID_STATE = "invalid-state";
    /** The callback carried no authorization code (the person declined, or the provider reported an error). */
    public static final String MISSING_CODE = "missing-code";
    /** The provider refused the authorization code: expired, already redeemed, or issued for another client. */
    public static final String INVALID_GRANT = "invalid-grant";
    /** The token endpoint could not be reached, or refused the exchange for another reason. */
    public static final String EXCHANGE_FAILED = "exchange-failed";
    /** The provider issued no refresh token, so the mailbox could not be used after the first hour. */
    public static final String NO_REFRESH_TOKEN = "no-refresh-token";
    /** The ID token names no mailbox address. */
    public static final String NO_EMAIL = "no-email";
    /** The token endpoint refused a refresh for a reason the person cannot fix (our client settings are wrong). */
    public static final String REFRESH_REFUSED = "refresh-refused";

    private final String reason;

    public EmailOAuthException(String reason, String message) {
        this(reason, message, null);
    }

    public EmailOAuthException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** One of the reason codes of this class. */
    public String reason() {
        return reason;
    }
}
