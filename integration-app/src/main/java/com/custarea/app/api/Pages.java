package com.custarea.app.api;

import java.util.List;

import com.custarea.routes.contacts.ContactView;
import com.custarea.routes.conversations.ConversationView;
import com.custarea.routes.conversations.MessageView;
import com.custarea.routes.tickets.TicketView;
import com.custarea.app.leads.LeadView;

/** The page types of the list endpoints, named for the OpenAPI document. */
public final class Pages {

    private Pages() {
    }

    public record Conversations(List<ConversationView> items, String nextCursor) {
    }

    public record Messages(List<MessageView> items, String nextCursor) {
    }

    public record Contacts(List<ContactView> items, String nextCursor) {
    }

    public record Tickets(List<TicketView> items, String nextCursor) {
    }

    public record Leads(List<LeadView> items, String nextCursor) {
    }
}
