package com.custarea.routes.email;

/**
 * Gmail no longer has history from the requested start id (users.history.list answered 404, which happens after
 * about a week): the mailbox must be caught up by a full sync instead.
 */
public class GmailHistoryExpiredException extends RuntimeException {

    public GmailHistoryExpiredException(String message) {
        super(message);
    }
}
