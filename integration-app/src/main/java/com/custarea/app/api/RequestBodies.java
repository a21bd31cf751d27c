package com.custarea.app.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.schemas.Attachment;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The request bodies of the dashboard API, as the OpenAPI document shows them (with examples). Requests are
 * validated against the JSON Schemas under {@code /schemas/} of the same names; these records mirror them.
 */
public final class RequestBodies {

    private RequestBodies() {
    }

    @Schema(name = "RegisterRequest")
    public record Register(@Schema(example = "Acme Support") String tenantName, @Schema(example = "Ada Lovelace") String name,
                           @Schema(example = "ada@acme.example") String email,
                           @Schema(example = "correct horse battery") String password) {
    }

    @Schema(name = "LoginRequest")
    public record Login(@Schema(example = "ada@acme.example") String email,
                        @Schema(example = "correct horse battery") String password) {
    }

    @Schema(name = "RefreshRequest")
    public record Refresh(@Schema(example = "kq3…") String refreshToken) {
    }

    @Schema(name = "OtpSendRequest")
    public record OtpSend(@Schema(example = "ada@acme.example") String email) {
    }

    @Schema(name = "OtpVerifyRequest")
    public record OtpVerify(@Schema(example = "ada@acme.example") String email, @Schema(example = "048213") String code) {
    }

    @Schema(name = "InviteUserRequest")
    public record InviteUser(@Schema(example = "grace@acme.example") String email,
                             @Schema(example = "Grace Hopper") String name, @Schema(example = "agent") String role,
                             @Schema(description = "optional; without it the user signs in with one-time codes")
                             String password) {
    }

    @Schema(name = "CreateConversationRequest")
    public record CreateConversation(UUID contactId, UUID channelId, @Schema(example = "Refund") String subject,
                                     UUID assigneeId, @Schema(example = "[\"billing\"]") List<String> labels,
                                     @Schema(example = "high") String priority) {
    }

    @Schema(name = "UpdateConversationRequest")
    public record UpdateConversation(@Schema(example = "resolved") String status,
                                     @Schema(description = "null unassigns") UUID assigneeId, List<String> labels,
                                     @Schema(example = "urgent") String priority, Instant snoozedUntil,
                                     String subject) {
    }

    @Schema(name = "ConversationTypingRequest")
    public record ConversationTyping(@Schema(description = "true while the agent types; resend every few seconds",
                                             example = "true") Boolean typing) {
    }

    @Schema(name = "CreateMessageRequest")
    public record CreateMessage(UUID conversationId, @Schema(example = "Your parcel left our warehouse today.") String text,
                                @JsonProperty("private")
                                @Schema(description = "a note for the team, never sent", example = "false")
                                Boolean privateNote, List<Attachment> attachments,
                                @Schema(example = "reply-7f3a") String clientMessageId, Template template) {
    }

    @Schema(name = "WhatsAppTemplate", description = "A Twilio Content API template, for WhatsApp outside 24 hours")
    public record Template(@Schema(example = "HXb5b62575e6e4ff6129ad7c8efe1f983e") String contentSid,
                           @Schema(example = "{\"1\":\"Ada\"}") Map<String, String> variables) {
    }

    @Schema(name = "CreateContactRequest")
    public record CreateContact(@Schema(example = "Ada Lovelace") String name,
                                @Schema(example = "ada@example.com") String email,
                                @Schema(example = "+14155550100") String phone,
                                @Schema(example = "crm-4711") String externalId, Map<String, Object> attributes) {
    }

    @Schema(name = "UpdateContactRequest")
    public record UpdateContact(String name, Map<String, Object> attributes) {
    }

    @Schema(name = "AddIdentifierRequest")
    public record AddIdentifier(@Schema(example = "email") String type, @Schema(example = "ada@work.example") String value) {
    }

    @Schema(name = "MergeContactsRequest")
    public record MergeContacts(UUID mergeContactId, @Schema(example = "false") Boolean force) {
    }

    @Schema(name = "NoteRequest")
    public record Note(@Schema(example = "Prefers e-mail.") String body) {
    }

    @Schema(name = "CreateTicketRequest")
    public record CreateTicket(@Schema(example = "Refund order 42") String subject, String description,
                               UUID conversationId, UUID contactId, @Schema(example = "high") String priority,
                               UUID assigneeId, @Schema(example = "open") String status) {
    }

    @Schema(name = "UpdateTicketRequest")
    public record UpdateTicket(String subject, String description, String priority, UUID assigneeId, String status) {
    }

    @Schema(name = "CreateLeadRequest")
    public record CreateLead(@Schema(example = "Lin Chen") String name, @Schema(example = "lin@bigco.example") String email,
                             String phone, @Schema(example = "BigCo") String company, @Schema(example = "new") String status) {
    }

    @Schema(name = "UpdateLeadRequest")
    public record UpdateLead(String name, String email, String phone, String company, String status) {
    }

    @Schema(name = "CreateChannelRequest")
    public record CreateChannel(@Schema(example = "api") String type, @Schema(example = "Shop backend") String name,
                                @Schema(example = "{\"callbackUrl\":\"https://shop.example/custarea\"}")
                                Map<String, String> settings,
                                @Schema(description = "write-only; for an API channel, generated when absent")
                                String secret, Boolean aiAgentEnabled) {
    }

    @Schema(name = "UpdateChannelRequest")
    public record UpdateChannel(String name, Map<String, String> settings,
                                @Schema(description = "write-only") String secret, Boolean enabled) {
    }

    @Schema(name = "SwitchRequest")
    public record Switch(@Schema(example = "true") boolean enabled) {
    }

    @Schema(name = "CreateWebhookSubscriptionRequest")
    public record CreateWebhookSubscription(@Schema(example = "https://crm.acme.example/custarea-events") String url,
                                            @Schema(example = "[\"message.created\", \"conversation.status_changed\"]")
                                            List<String> eventTypes,
                                            @Schema(example = "CRM sync") String description) {
    }

    @Schema(name = "UpdateWebhookSubscriptionRequest")
    public record UpdateWebhookSubscription(String url, List<String> eventTypes, String description,
                                            @Schema(example = "false") Boolean enabled) {
    }

    @Schema(name = "PlaceCallRequest")
    public record PlaceCall(UUID contactId, @Schema(description = "default: the tenant's only voice line")
                            UUID channelId, @Schema(example = "convrelay") String mode) {
    }

    @Schema(name = "CreateTeamRequest")
    public record CreateTeam(@Schema(example = "Billing") String name,
                             @Schema(description = "users, in the order assignment takes them") List<UUID> memberIds) {
    }

    @Schema(name = "UpdateTeamRequest")
    public record UpdateTeam(String name, List<UUID> memberIds) {
    }

    @Schema(name = "ReplayWebhooksRequest")
    public record ReplayWebhooks(@Schema(description = "none: every dead delivery") List<UUID> deliveryIds) {
    }

    @Schema(name = "WorkflowRequest", description = "See workflow.schema.json and the README for every trigger, "
            + "condition and action")
    public record Workflow(@Schema(example = "Refunds to billing") String name, Boolean enabled,
                           @Schema(example = "{\"type\": \"keyword_matched\", \"keywords\": [\"refund\"]}")
                           Map<String, Object> trigger,
                           @Schema(example = "[{\"field\": \"channel\", \"operator\": \"in\", \"value\": [\"whatsapp\", \"sms\"]}]")
                           List<Map<String, Object>> conditions,
                           @Schema(example = "[{\"type\": \"add_label\", \"label\": \"billing\"}, {\"type\": \"send_reply\", \"text\": \"Hi {{contact.name}}, billing will answer shortly.\"}]")
                           List<Map<String, Object>> actions) {
    }

    @Schema(name = "AiAgentRequest", description = "See ai-agent-create.schema.json; on PATCH every field is optional")
    public record AiAgent(@Schema(example = "Support assistant") String name,
                          @Schema(example = "Answer from the help centre; be brief.") String instructions,
                          @Schema(example = "offline") String model, Double temperature, List<UUID> channelIds,
                          @Schema(example = "{\"timezone\": \"Europe/Paris\", \"days\": {\"mon\": [\"09:00\", \"17:00\"]}}")
                          Map<String, Object> businessHours,
                          @Schema(example = "{\"keywords\": [\"lawyer\", \"complaint\"]}") Map<String, Object> handoffRules,
                          List<String> enabledTools, @Schema(example = "0.45") Double answerThreshold) {
    }

    @Schema(name = "CreateEmailAccountRequest")
    public record CreateEmailAccount(@Schema(example = "ses", allowableValues = {"ses", "gmail", "outlook"})
                                     String provider,
                                     @Schema(example = "support@acme.example") String address,
                                     @Schema(example = "Acme Support") String displayName,
                                     @Schema(example = "Acme Support · acme.example") String signature,
                                     Boolean aiAgentEnabled,
                                     @Schema(description = "write-only: {refreshToken} for Gmail and Outlook")
                                     Map<String, String> credentials) {
    }

    @Schema(name = "UpdateEmailAccountRequest")
    public record UpdateEmailAccount(String displayName, String signature) {
    }
}
