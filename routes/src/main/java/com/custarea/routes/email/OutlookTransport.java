package com.custarea.routes.email;

import org.springframework.stereotype.Component;

/**
 * Sends through Microsoft Graph's sendMail with the MIME itself, so the Message-ID, In-Reply-To and References we
 * wrote reach the recipient as written (a JSON sendMail would let Outlook choose them).
 */
@Component
public class OutlookTransport implements EmailTransport {

    private final GraphMailApi graph;
    private final MailboxTokens tokens;

    public OutlookTransport(GraphMailApi graph, MailboxTokens tokens) {
        this.graph = graph;
        this.tokens = tokens;
    }

    @Override
    public EmailProvider provider() {
        return EmailProvider.OUTLOOK;
    }

    @Override
    public Sent send(EmailAccount account, OutgoingEmail email, byte[] raw, String providerThreadId) {
        tokens.call(account, token -> {
            graph.sendMime(token, raw);
            return null;
        });
        // sendMail answers 202 without an id: our Message-ID is the one the mail carries
        return new Sent(email.messageId(), null);
    }
}
