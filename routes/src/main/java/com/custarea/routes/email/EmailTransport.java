package com.custarea.routes.email;

/**
 * Hands a written e-mail to one provider. Implementations throw {@link EmailProviderUnavailableException} when the
 * provider is throttling or down (the send is parked and tried again), {@link EmailProviderRefusedException} when
 * it refused this mail for good, and {@link EmailReauthorizationRequiredException} when the account's grant is gone.
 */
public interface EmailTransport {

    /** The provider this transport sends through. */
    EmailProvider provider();

    /**
     * Sends {@code raw} (the MIME of {@code email}) from {@code account}, in the provider's thread
     * {@code providerThreadId} when there is one, and returns the provider's ids for it.
     */
    Sent send(EmailAccount account, OutgoingEmail email, byte[] raw, String providerThreadId);

    /**
     * What the provider said it sent.
     *
     * @param providerMessageId the provider's own id for the mail (SES message id, Gmail message id), or our
     *                          Message-ID when the provider returns none (Graph's sendMail)
     * @param providerThreadId  the provider's thread id (Gmail), or null
     */
    record Sent(String providerMessageId, String providerThreadId) {
    }
}
