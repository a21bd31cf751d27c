package com.custarea.routes.email;

import java.time.Instant;
import java.util.List;

/**
 * An inbound e-mail as read from its raw MIME.
 *
 * @param messageId    the Message-ID header with its angle brackets, or null when the mail has none
 * @param inReplyTo    the In-Reply-To Message-ID with angle brackets, or null
 * @param references   the References Message-IDs with angle brackets, oldest first
 * @param text         the whole plain-text body (from the HTML when the mail has only HTML), quoted history kept
 * @param replyText    the text without quoted history and signature delimiter blocks: what the AI agent reads
 * @param autoReply    whether the mail says it was sent automatically (Auto-Submitted, X-Autoreply,
 *                     X-Autorespond, Precedence: auto_reply, out-of-office subjects, a delivery report)
 * @param bulk         whether the mail is a list or bulk mailing (List-Id, List-Unsubscribe, Precedence:
 *                     bulk/list/junk)
 * @param sentAt       the Date header, or null
 */
public record ParsedEmail(String messageId, String inReplyTo, List<String> references, EmailAddress from,
                          List<EmailAddress> to, List<EmailAddress> cc, String subject, String text, String html,
                          String replyText, List<EmailFile> attachments, boolean autoReply, boolean bulk,
                          Instant sentAt) {

    public ParsedEmail {
        references = references == null ? List.of() : List.copyOf(references);
        to = to == null ? List.of() : List.copyOf(to);
        cc = cc == null ? List.of() : List.copyOf(cc);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** The Message-IDs this mail refers to, most specific first: In-Reply-To, then References newest first. */
    public List<String> threadReferences() {
        java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
        if (inReplyTo != null) {
            ids.add(inReplyTo);
        }
        for (int i = references.size() - 1; i >= 0; i--) {
            ids.add(references.get(i));
        }
        return List.copyOf(ids);
    }
}
