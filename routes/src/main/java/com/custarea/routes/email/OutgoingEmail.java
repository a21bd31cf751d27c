package com.custarea.routes.email;

import java.util.List;

/**
 * An e-mail about to be written as MIME: who sends it to whom, its content, and its threading headers.
 *
 * @param messageId  our Message-ID, with its angle brackets ({@code <…@…>})
 * @param inReplyTo  the Message-ID it answers, with angle brackets, or null
 * @param references the thread's Message-IDs, oldest first, with angle brackets
 * @param html       the HTML body, or null for a plain-text mail (the text is always sent as the alternative)
 */
public record OutgoingEmail(EmailAddress from, List<EmailAddress> to, String subject, String text, String html,
                            List<EmailFile> attachments, String messageId, String inReplyTo,
                            List<String> references) {

    public OutgoingEmail {
        to = List.copyOf(to);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        references = references == null ? List.of() : List.copyOf(references);
    }
}
