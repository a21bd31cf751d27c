package com.custarea.app.widget;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.app.api.ApiRequest;
import com.custarea.app.security.RateLimits;
import com.custarea.routes.ai.AiAgents;
import com.custarea.routes.ai.BusinessHours;
import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.contacts.ContactResolver;
import com.custarea.routes.contacts.ContactService;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.HmacSignatures;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.widget.WidgetConversations;
import com.custarea.routes.widget.WidgetSettings;
import com.custarea.routes.widget.WidgetVisitors;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import com.custarea.schemas.InboundMessage;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The handlers of /api/widget, the public API of the chat widget: a session is started from an allowed Origin
 * (identity verified when the site sends one, required when the tenant says so), then the visitor's token sends
 * messages into the pipeline and reads the visitor's own history. Rate-limited per address and per visitor.
 */
@Component
public class WidgetApi {

    private static final int HISTORY_LIMIT = 200;

    private final ChannelRegistry channels;
    private final WidgetVisitors visitors;
    private final WidgetConversations conversations;
    private final WidgetTokens tokens;
    private final EventPublisher publisher;
    private final AiAgents agents;
    private final ContactResolver resolver;
    private final ContactService contacts;
    private final RateLimits initsPerAddress;
    private final RateLimits messagesPerAddress;
    private final RateLimits messagesPerVisitor;

    public WidgetApi(ChannelRegistry channels, WidgetVisitors visitors, WidgetConversations conversations,
                     WidgetTokens tokens, EventPublisher publisher, AiAgents agents, ContactResolver resolver,
                     ContactService contacts,
                     @Value("${custarea.widget.inits-per-address:30}") int initsPerAddress,
                     @Value("${custarea.widget.messages-per-address:60}") int messagesPerAddress,
                     @Value("${custarea.widget.messages-per-visitor:20}") int messagesPerVisitor,
                     @Value("${custarea.widget.rate-period:60s}") Duration period) {
        this.channels = channels;
        this.visitors = visitors;
        this.conversations = conversations;
        this.tokens = tokens;
        this.publisher = publisher;
        this.agents = agents;
        this.resolver = resolver;
        this.contacts = contacts;
        this.initsPerAddress = new RateLimits("widget session", initsPerAddress, period);
        this.messagesPerAddress = new RateLimits("widget message", messagesPerAddress, period);
        this.messagesPerVisitor = new RateLimits("widget message", messagesPerVisitor, period);
    }

    public void init(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        initsPerAddress.acquire(request.clientAddress());
        JsonNode body = request.json("widget-init");
        ChannelSettings channel = widget(UUID.fromString(body.path("widgetKey").asText()));
        WidgetSettings settings = WidgetSettings.of(channel);
        requireOrigin(exchange, settings);

        JsonNode user = body.path("user");
        String verifiedUser = null;
        if (user.has("id")) {
            String secret = channels.secretOf(channel).orElseThrow(() -> ProblemException.forbidden(
                    "identity-refused", "This widget has no identity secret to check identities with"));
            String expected = HmacSignatures.sha256Hex(secret, user.path("id").asText().getBytes(
                    StandardCharsets.UTF_8));
            if (!HmacSignatures.constantTimeEquals(expected, user.path("identityHash").asText().toLowerCase())) {
                throw ProblemException.forbidden("identity-refused", "The identity hash does not match the user id");
            }
            verifiedUser = user.path("id").asText();
        }
        WidgetVisitors.Page page = new WidgetVisitors.Page(ApiRequest.text(body.path("page"), "url"),
                ApiRequest.text(body.path("page"), "referrer"), exchange.getMessage().getHeader("User-Agent",
                String.class));
        WidgetVisitors.Visitor visitor = resumed(body, channel).orElseGet(() -> visitors.create(channel.tenantId(),
                channel.id(), page));
        if (visitor.verified() && verifiedUser != null && !visitor.userId().equals(verifiedUser)) {
            // another user signed in on this browser: a session of their own, never the last user's history
            visitor = visitors.create(channel.tenantId(), channel.id(), page);
        }
        visitor = visitors.touch(visitor, page, verifiedUser, ApiRequest.text(user, "name"),
                ApiRequest.text(user, "email"));
        if (settings.requireIdentity() && !visitor.verified()) {
            throw ProblemException.forbidden("identity-required", "This widget needs a verified identity: send "
                    + "user.id with its identityHash");
        }
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("greeting", settings.greeting());
        shown.put("color", settings.color());
        shown.put("preChatFields", settings.preChatFields());
        shown.put("replyTime", replyTime(channel));
        request.ok(Map.of("token", tokens.issue(visitor), "visitorId", visitor.id(), "verified", visitor.verified(),
                "expiresIn", tokens.lifetime().toSeconds(), "settings", shown));
    }

    public void message(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Session session = limitedSession(exchange, request);
        JsonNode body = request.json("widget-message");
        InboundMessage inbound = conversations.inbound(session.channel(), session.visitor(),
                body.path("clientMessageId").asText(), body.path("text").asText(), request.correlationId(),
                Map.of());
        publisher.publish(List.of(OutgoingRecord.of(Topics.INBOUND_MESSAGES, inbound)));
        request.accepted(Map.of("status", "sent", "clientMessageId", body.path("clientMessageId").asText()));
    }

    public void messages(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Session session = session(exchange);
        Optional<UUID> conversationId = request.queryId("conversationId");
        List<WidgetConversations.HistoryMessage> history = conversations.history(session.visitor(),
                conversationId.orElse(null), HISTORY_LIMIT);
        if (conversationId.isPresent() && history.isEmpty()) {
            throw ProblemException.notFound("No conversation " + conversationId.get());
        }
        request.ok(Map.of("items", history));
    }

    /**
     * The site's custom attributes of the visitor, added to the visitor's contact (made now when the visitor has
     * not written yet, so the team sees who is browsing) and announced as a contact update.
     */
    public void attributes(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Session session = limitedSession(exchange, request);
        JsonNode body = request.json("widget-attributes");
        Map<String, Object> attributes = PayloadJson.mapper().convertValue(body.path("attributes"),
                new TypeReference<>() { });
        WidgetVisitors.Visitor visitor = session.visitor();
        UUID contactId = resolver.resolve(visitor.tenantId(), conversations.identifiers(visitor), visitor.name());
        contacts.mergeAttributes(visitor.tenantId(), contactId, attributes);
        publisher.publish(List.of(OutgoingRecord.of(Topics.CONVERSATION_EVENTS, ConversationEvent.ofContact(
                UUID.randomUUID(), visitor.tenantId(), request.correlationId(), ConversationEventType.CONTACT_UPDATED,
                contactId, null))));
        request.ok(Map.of("status", "saved", "attributes", attributes.size()));
    }

    /** The caller's session, once the address and then the visitor are within their write limits. */
    private Session limitedSession(Exchange exchange, ApiRequest request) {
        messagesPerAddress.acquire(request.clientAddress());
        Session session = session(exchange);
        messagesPerVisitor.acquire(session.visitor().id().toString());
        return session;
    }

    private record Session(ChannelSettings channel, WidgetVisitors.Visitor visitor) {
    }

    /** The visitor of the bearer token, from an allowed Origin, verified when the widget requires it. */
    private Session session(Exchange exchange) {
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            throw ProblemException.unauthorized("invalid-widget-token", "Send the widget token as a bearer token");
        }
        return session(authorization.substring("Bearer ".length()).trim(), pageOrigin(exchange));
    }

    /**
     * The origin of the page that made the request: its Origin header, or, for a same-origin GET (which browsers
     * send without one, as from the /demo page), this server's own host, which the browser vouches for with
     * {@code Sec-Fetch-Site: same-origin}.
     */
    public static String pageOrigin(String origin, String fetchSite, String host) {
        if (origin == null && "same-origin".equals(fetchSite) && host != null && !host.isBlank()) {
            return "http://" + host;
        }
        return origin;
    }

    private static String pageOrigin(Exchange exchange) {
        return pageOrigin(exchange.getMessage().getHeader("Origin", String.class),
                exchange.getMessage().getHeader("Sec-Fetch-Site", String.class),
                exchange.getMessage().getHeader("Host", String.class));
    }

    /** The visitor of a token from a page of {@code origin}, with every check of {@link #session(Exchange)}. */
    public WidgetVisitors.Visitor visitor(String token, String origin) {
        if (token == null || token.isBlank()) {
            throw ProblemException.unauthorized("invalid-widget-token", "Send the widget token");
        }
        return session(token, origin).visitor();
    }

    private Session session(String token, String origin) {
        WidgetTokens.VisitorClaims claims = tokens.verify(token);
        ChannelSettings channel = widget(claims.channelId());
        WidgetSettings settings = WidgetSettings.of(channel);
        requireOrigin(origin, settings);
        WidgetVisitors.Visitor visitor = visitors.find(claims.tenantId(), claims.channelId(), claims.visitorId())
                .orElseThrow(() -> ProblemException.unauthorized("invalid-widget-token", "Unknown visitor"));
        if (settings.requireIdentity() && !visitor.verified()) {
            throw ProblemException.forbidden("identity-required", "This widget needs a verified identity");
        }
        return new Session(channel, visitor);
    }

    private Optional<WidgetVisitors.Visitor> resumed(JsonNode body, ChannelSettings channel) {
        if (!body.hasNonNull("visitorToken")) {
            return Optional.empty();
        }
        try {
            WidgetTokens.VisitorClaims claims = tokens.verifyForResume(body.path("visitorToken").asText());
            return claims.channelId().equals(channel.id())
                    ? visitors.find(channel.tenantId(), channel.id(), claims.visitorId()) : Optional.empty();
        } catch (ProblemException expired) {
            return Optional.empty();
        }
    }

    private ChannelSettings widget(UUID key) {
        return channels.find(key).filter(channel -> channel.type() == Channel.WIDGET && channel.enabled())
                .orElseThrow(() -> ProblemException.notFound("No widget " + key));
    }

    private static void requireOrigin(Exchange exchange, WidgetSettings settings) {
        requireOrigin(pageOrigin(exchange), settings);
    }

    private static void requireOrigin(String origin, WidgetSettings settings) {
        if (!settings.allows(origin)) {
            throw ProblemException.forbidden("origin-not-allowed", "The page's origin " + origin
                    + " may not use this widget");
        }
    }

    /** What the panel says about when an answer comes: now, or when the team is back. */
    private String replyTime(ChannelSettings channel) {
        return agents.forChannel(channel.tenantId(), channel.id())
                .flatMap(agent -> BusinessHours.of(agent.businessHours()))
                .flatMap(hours -> hours.awayNotice(Instant.now()))
                .orElse("We usually reply in a few minutes.");
    }
}
