package com.custarea.routes.email;

import org.springframework.stereotype.Component;

/** Sends through the Gmail API (users.messages.send with the raw MIME, in the conversation's Gmail thread). */
@Component
public class GmailTransport implements EmailTransport {

    private final GmailApi gmail;
    private final MailboxTokens tokens;

    public GmailTransport(GmailApi gmail, MailboxTokens tokens) {
        this.gmail = gmail;
        this.tokens = tokens;
    }

    @Override
    public EmailProvider provider() {
        return EmailProvider.GMAIL;
    }

    @Override
    public Sent send(EmailAccount account, OutgoingEmail email, byte[] raw, String providerThreadId) {
        GmailApi.SentMail sent = tokens.call(account, token -> gmail.send(token, raw, providerThreadId));
        return new Sent(sent.id(), sent.threadId());
    }
}
