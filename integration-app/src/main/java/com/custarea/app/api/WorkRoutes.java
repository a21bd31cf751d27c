package com.custarea.app.api;

import com.custarea.app.leads.LeadView;
import com.custarea.routes.tickets.TicketView;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/** /api/tickets and /api/leads. */
@Component
public class WorkRoutes extends DashboardApiRoutes {

    private final WorkApi api;

    public WorkRoutes(WorkApi api) {
        this.api = api;
    }

    @Override
    public void configure() {
        rest("/api/tickets").tag("Tickets").security(OpenApiRoutes.BEARER)
                .get().id("tickets-list").produces("application/json")
                    .description("The tenant's tickets, last changed first")
                    .param().name("status").type(RestParamType.query).required(false).endParam()
                    .param().name("assigneeId").type(RestParamType.query).required(false).endParam()
                    .param().name("contactId").type(RestParamType.query).required(false).endParam()
                    .param().name("cursor").type(RestParamType.query).required(false).endParam()
                    .param().name("limit").type(RestParamType.query).required(false).endParam()
                    .outType(Pages.Tickets.class).to(handler("tickets-list"))
                .post().id("tickets-create").consumes("application/json").produces("application/json")
                    .description("Open a ticket, linked to a conversation and/or a contact")
                    .type(RequestBodies.CreateTicket.class).outType(TicketView.class).to(handler("tickets-create"))
                .get("/{id}").id("tickets-get").produces("application/json").outType(TicketView.class)
                    .description("One ticket").to(handler("tickets-get"))
                .patch("/{id}").id("tickets-update").consumes("application/json").produces("application/json")
                    .description("Change status, priority, assignee, subject or description")
                    .type(RequestBodies.UpdateTicket.class).outType(TicketView.class).to(handler("tickets-update"))
                .delete("/{id}").id("tickets-delete").description("Delete a ticket (admins)")
                    .to(handler("tickets-delete"));
        rest("/api/leads").tag("Leads").security(OpenApiRoutes.BEARER)
                .get().id("leads-list").produces("application/json").description("The tenant's leads")
                    .param().name("status").type(RestParamType.query).required(false).endParam()
                    .param().name("cursor").type(RestParamType.query).required(false).endParam()
                    .param().name("limit").type(RestParamType.query).required(false).endParam()
                    .outType(Pages.Leads.class).to(handler("leads-list"))
                .post().id("leads-create").consumes("application/json").produces("application/json")
                    .description("Record a lead").type(RequestBodies.CreateLead.class).outType(LeadView.class)
                    .to(handler("leads-create"))
                .get("/{id}").id("leads-get").produces("application/json").description("One lead")
                    .outType(LeadView.class).to(handler("leads-get"))
                .patch("/{id}").id("leads-update").consumes("application/json").produces("application/json")
                    .description("Change a lead").type(RequestBodies.UpdateLead.class).outType(LeadView.class)
                    .to(handler("leads-update"))
                .delete("/{id}").id("leads-delete").description("Delete a lead (admins)").to(handler("leads-delete"))
                .post("/{id}/convert").id("leads-convert").produces("application/json")
                    .description("Make the lead a contact (found by e-mail or phone, or created)")
                    .outType(LeadView.class).to(handler("leads-convert"));

        handle("tickets-list", api::listTickets);
        handle("tickets-create", api::createTicket);
        handle("tickets-get", api::getTicket);
        handle("tickets-update", api::updateTicket);
        handle("tickets-delete", api::deleteTicket);
        handle("leads-list", api::listLeads);
        handle("leads-create", api::createLead);
        handle("leads-get", api::getLead);
        handle("leads-update", api::updateLead);
        handle("leads-delete", api::deleteLead);
        handle("leads-convert", api::convertLead);
    }
}
