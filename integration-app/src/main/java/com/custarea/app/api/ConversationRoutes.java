package com.custarea.app.api;

import com.custarea.routes.conversations.ConversationView;
import com.custarea.routes.conversations.MessageView;
import com.custarea.routes.support.Problem;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/** /api/conversations and /api/messages: the inbox. */
@Component
public class ConversationRoutes extends DashboardApiRoutes {

    private final ConversationApi conversations;
    private final MessageApi messages;

    public ConversationRoutes(ConversationApi conversations, MessageApi messages) {
        this.conversations = conversations;
        this.messages = messages;
    }

    @Override
    public void configure() {
        rest("/api/conversations").tag("Conversations").security(OpenApiRoutes.BEARER)
                .get().id("conversations-list").produces("application/json")
                    .description("The tenant's conversations, newest activity first (cursor pagination)")
                    .param().name("status").type(RestParamType.query).description("open, pending, snoozed or resolved").required(false).endParam()
                    .param().name("channel").type(RestParamType.query).description("api, email, whatsapp, sms, widget or voice").required(false).endParam()
                    .param().name("assignee").type(RestParamType.query).description("a user id, me or unassigned").required(false).endParam()
                    .param().name("label").type(RestParamType.query).required(false).endParam()
                    .param().name("contactId").type(RestParamType.query).required(false).endParam()
                    .param().name("q").type(RestParamType.query).description("text in the subject, the contact's name or a message").required(false).endParam()
                    .param().name("cursor").type(RestParamType.query).required(false).endParam()
                    .param().name("limit").type(RestParamType.query).description("1 to 100, default 25").required(false).endParam()
                    .outType(Pages.Conversations.class)
                    .responseMessage().code(400).message("A bad filter").responseModel(Problem.class).endResponseMessage()
                    .to(handler("conversations-list"))
                .get("/{id}").id("conversations-get").produces("application/json")
                    .description("One conversation").outType(ConversationView.class)
                    .responseMessage().code(404).message("No such conversation in this tenant").responseModel(Problem.class).endResponseMessage()
                    .to(handler("conversations-get"))
                .post().id("conversations-create").consumes("application/json").produces("application/json")
                    .description("Open a conversation with a contact on a channel").type(RequestBodies.CreateConversation.class)
                    .outType(ConversationView.class)
                    .responseMessage().code(201).message("Created").endResponseMessage()
                    .to(handler("conversations-create"))
                .patch("/{id}").id("conversations-update").consumes("application/json").produces("application/json")
                    .description("Change status, assignee, labels, priority, snooze-until or subject")
                    .type(RequestBodies.UpdateConversation.class).outType(ConversationView.class)
                    .to(handler("conversations-update"))
                .post("/{id}/typing").id("conversations-typing").consumes("application/json")
                    .description("Show the widget's visitor that the team is typing (typing true; a visitor's widget hides it "
                            + "after 30 s without another, so resend while typing), or stop it (typing false). "
                            + "Nothing is stored; conversations of other channels have no typing indicator, and nothing is sent")
                    .type(RequestBodies.ConversationTyping.class)
                    .responseMessage().code(204).message("Announced").endResponseMessage()
                    .responseMessage().code(400).message("A body without a boolean typing").responseModel(Problem.class).endResponseMessage()
                    .responseMessage().code(404).message("No such conversation in this tenant").responseModel(Problem.class).endResponseMessage()
                    .to(handler("conversations-typing"))
                .delete("/{id}").id("conversations-delete")
                    .description("Delete a conversation and its messages (admins)")
                    .responseMessage().code(204).message("Deleted").endResponseMessage()
                    .responseMessage().code(403).message("Only admins delete").responseModel(Problem.class).endResponseMessage()
                    .to(handler("conversations-delete"));
        rest("/api/messages").tag("Messages").security(OpenApiRoutes.BEARER)
                .get().id("messages-list").produces("application/json")
                    .description("A conversation's messages, oldest first (cursor pagination)")
                    .param().name("conversationId").type(RestParamType.query).required(true).endParam()
                    .param().name("cursor").type(RestParamType.query).required(false).endParam()
                    .param().name("limit").type(RestParamType.query).required(false).endParam()
                    .outType(Pages.Messages.class).to(handler("messages-list"))
                .get("/{id}").id("messages-get").produces("application/json").description("One message")
                    .outType(MessageView.class).to(handler("messages-get"))
                .post().id("messages-create").consumes("application/json").produces("application/json")
                    .description("Reply (stored queued, then sent through the conversation's channel) or leave a private note")
                    .type(RequestBodies.CreateMessage.class).outType(MessageView.class)
                    .responseMessage().code(201).message("Stored; a reply is on its way").endResponseMessage()
                    .to(handler("messages-create"));

        handle("conversations-list", conversations::list);
        handle("conversations-get", conversations::get);
        handle("conversations-create", conversations::create);
        handle("conversations-update", conversations::update);
        handle("conversations-typing", conversations::typing);
        handle("conversations-delete", conversations::delete);
        handle("messages-list", messages::list);
        handle("messages-get", messages::get);
        handle("messages-create", messages::create);
    }
}
