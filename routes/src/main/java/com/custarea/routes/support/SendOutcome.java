package com.custarea.routes.support;

import java.util.UUID;

/**
 * How one provider call ended.
 *
 * @param providerMessageId the provider's id of the sent message, when it returns one
 * @param errorCode         the provider's error code of a failure, when it gave one
 */
public record SendOutcome(UUID messageId, Result result, String providerMessageId, String errorCode, String error) {

    public enum Result {
        /** The provider accepted the message. */
        SENT,
        /** The provider refused it for good, or every retry failed. */
        FAILED,
        /** It failed in a way a later attempt may cure; the ledger lets the next delivery try again. */
        RETRYABLE
    }

    public static SendOutcome sent(UUID messageId, String providerMessageId) {
        return new SendOutcome(messageId, Result.SENT, providerMessageId, null, null);
    }

    public static SendOutcome failed(UUID messageId, String errorCode, String error) {
        return new SendOutcome(messageId, Result.FAILED, null, errorCode, error);
    }

    public static SendOutcome retryable(UUID messageId, String errorCode, String error) {
        return new SendOutcome(messageId, Result.RETRYABLE, null, errorCode, error);
    }
}
