package com.custarea.routes.email;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** Every poll interval: renew push subscriptions that expire soon, and read the mailboxes without a live one. */
@Component
public class MailboxRoundsRoute extends RouteBuilder {

    public static final String ROUTE_ID = "email-mailbox-rounds";

    private final MailboxRounds rounds;
    private final long intervalMs;

    public MailboxRoundsRoute(MailboxRounds rounds,
                              @Value("${custarea.email.poll-interval:60000}") long intervalMs) {
        this.rounds = rounds;
        this.intervalMs = intervalMs;
    }

    @Override
    public void configure() {
        from("timer:email-mailbox-rounds?delay=" + intervalMs + "&period=" + intervalMs)
                .routeId(ROUTE_ID)
                .process(exchange -> rounds.run());
    }
}
