package com.custarea.app.widget;

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
import com.custarea.routes.contacts.IdentifierNormaliser;
import com.custarea.routes.contacts.InvalidIdentifierException;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.routes.widget.WidgetConversations;
import com.custarea.routes.widget.WidgetSettings;
import com.custarea.routes.widget.WidgetVisitors;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.InboundMessage;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The handlers of /api/widget, the public API of the chat widget. */
@Component
public class WidgetApi {

    private static final int HISTORY_LIMIT = 200;
    /**
     * The prefix of the site's custom attributes among the contact's ({@code plan} is stored as {@code widget_plan}):
     * the tenant's own keys stay out of the visitor's reach, and workflows still read them.
     */
    public static final String ATTRIBUTE_PREFIX = "widget_";

    private final ChannelRegistry channels;
    private final WidgetIdentities identities;
    private final WidgetVisitors visitors;
    private final WidgetConversations conversations;
    private final WidgetTokens tokens;
    private final EventPublisher publisher;
    private final AiAgents agents;
    private final ContactResolver resolver;
    private final ContactService contacts;
    private final IdentifierNormaliser normaliser;
    private final RateLimits initsPerAddress;
    private final RateLimits messagesPerAddress;
    private final RateLimits messagesPerVisitor;
    private final RateLimits readsPerAddress;
    private final RateLimits readsPerVisitor;
    private final int maxAttributes;

    public WidgetApi(ChannelRegistry channels, WidgetIdentities identities, WidgetVisitors visitors,
                     WidgetConversations conversations, WidgetTokens tokens, EventPublisher publisher,
                     AiAgents agents, ContactResolver resolver, ContactService contacts,
                     IdentifierNormaliser normaliser,
                     @Value("${custarea.widget.inits-per-address:30}") int initsPerAddress,
                     @Value("${custarea.widget.messages-per-address:60}") int messagesPerAddress,
                     @Value("${custarea.widget.messages-per-visitor:20}") int messagesPerVisitor,
                     @Value("${custarea.widget.reads-per-address:1200}") int readsPerAddress,
                     @Value("${custarea.widget.reads-per-visitor:120}") int readsPerVisitor,
                     @Value("${custarea.widget.rate-period:60s}") Duration period,
                     @Value("${custarea.widget.max-attributes:100}") int maxAttributes) {
        this.channels = channels;
        this.identities = identities;
        this.visitors = visitors;
        this.conversations = conversations;
        this.tokens = tokens;
        this.publisher = publisher;
        this.agents = agents;
        this.resolver = resolver;
        this.contacts = contacts;
        this.normaliser = normaliser;
        this.initsPerAddress = new RateLimits("widget session", initsPerAddress, period);
        this.messagesPerAddress = new RateLimits("widget message", messagesPerAddress, period);
        this.messagesPerVisitor = new RateLimits("widget message", messagesPerVisitor, period);
        this.readsPerAddress = new RateLimits("widget read", readsPerAddress, period);
        this.readsPerVisitor = new RateLimits("widget read", readsPerVisitor, period);
        this.maxAttributes = maxAttributes;
    }

    /**
     * Starts or resumes a visitor's session from an allowed Origin: identity verified when the site sends one,
     * required when the tenant says so.
     */
    public void init(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        initsPerAddress.acquire(request.clientAddress());
        JsonNode body = request.json("widget-init");
        ChannelSettings channel = widget(UUID.fromString(body.path("widgetKey").asText()));
        WidgetSettings settings = WidgetSettings.of(channel);
        requireOrigin(exchange, settings);

        JsonNode user = body.path("user");
        Optional<Session> resumed = resumed(body, channel);
        // a user id is always checked afresh; without one, a resumed session keeps a proof that still holds, unless
        // the widget requires identity, where every session starts with the site's hash
        WidgetTokens.IdentityProof proof = null;
        if (user.has("id")) {
            proof = identities.prove(channel, user.path("id").asText(), user.path("identityHash").asText(null));
        } else if (!settings.requireIdentity()) {
            proof = resumed.map(Session::proof).orElse(null);
        }
        if (settings.requireIdentity() && proof == null) {
            throw ProblemException.forbidden("identity-required", "This widget needs a verified identity: send "
                    + "user.id with its identityHash");
        }
        String provenUser = proof == null ? null : proof.userId();
        String email = email(ApiRequest.text(user, "email"), provenUser != null);
        WidgetVisitors.Page page = new WidgetVisitors.Page(ApiRequest.text(body.path("page"), "url"),
                ApiRequest.text(body.path("page"), "referrer"), exchange.getMessage().getHeader("User-Agent",
                String.class));
        // another user signing in on this browser (or an anonymous visitor signing in) gets a session of its own:
        // a verified visitor reads its contact's history, which nothing typed before the proof may reach
        WidgetVisitors.Visitor visitor = resumed.map(Session::stored)
                .filter(known -> provenUser == null || provenUser.equals(known.userId()))
                .orElseGet(() -> visitors.create(channel.tenantId(), channel.id(), page));
        String name = ApiRequest.text(user, "name");
        visitor = visitors.touch(visitor, page, provenUser, name == null || name.isBlank() ? null : name, email)
                .withUserId(provenUser);
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("greeting", settings.greeting());
        shown.put("color", settings.color());
        shown.put("preChatFields", settings.preChatFields());
        shown.put("replyTime", replyTime(channel));
        request.ok(Map.of("token", tokens.issue(visitor, proof), "visitorId", visitor.id(), "verified",
                visitor.verified(), "expiresIn", tokens.lifetime().toSeconds(), "settings", shown));
    }

    /** Sends the visitor's message into the pipeline. */
    public void message(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Session session = limited(exchange, request, messagesPerAddress, messagesPerVisitor);
        JsonNode body = request.json("widget-message");
        InboundMessage inbound = conversations.inbound(session.channel(), session.visitor(),
                body.path("clientMessageId").asText(), body.path("text").asText(), request.correlationId(),
                Map.of());
        publisher.publish(List.of(OutgoingRecord.of(Topics.INBOUND_MESSAGES, inbound)));
        request.accepted(Map.of("status", "sent", "clientMessageId", body.path("clientMessageId").asText()));
    }

    /** The visitor's history (see {@link WidgetConversations#history}). */
    public void messages(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Session session = limited(exchange, request, readsPerAddress, readsPerVisitor);
        Optional<UUID> conversationId = request.queryId("conversationId");
        List<WidgetConversations.HistoryMessage> history = conversations.history(session.visitor(),
                conversationId.orElse(null), HISTORY_LIMIT);
        if (conversationId.isPresent() && history.isEmpty()) {
            throw ProblemException.notFound("No conversation " + conversationId.get());
        }
        request.ok(Map.of("items", history));
    }

    /**
     * The site's custom attributes of the visitor, capped in number. A verified visitor's, and those of a visitor
     * that never gave an e-mail nor proved a user id (whose contact is surely its own), go to its contact (made now
     * when the visitor has not written yet, so the team sees who is browsing) with the prefix
     * {@value #ATTRIBUTE_PREFIX}, announced as a contact update. Any other visitor's stay on the visitor: its
     * contact may be the one of an address it merely typed.
     */
    public void attributes(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Session session = limited(exchange, request, messagesPerAddress, messagesPerVisitor);
        JsonNode body = request.json("widget-attributes");
        Map<String, Object> attributes = PayloadJson.mapper().convertValue(body.path("attributes"),
                new TypeReference<>() { });
        WidgetVisitors.Visitor visitor = session.visitor();
        if (!visitor.verified() && session.stored().mayShareAContact()) {
            if (!visitors.mergeAttributes(visitor, attributes, maxAttributes)) {
                throw tooManyAttributes("A visitor");
            }
            request.ok(Map.of("status", "saved", "attributes", attributes.size()));
            return;
        }
        UUID contactId = resolver.resolve(visitor.tenantId(), conversations.identifiers(visitor), visitor.name());
        if (!contacts.mergePrefixedAttributes(visitor.tenantId(), contactId, ATTRIBUTE_PREFIX, attributes,
                maxAttributes)) {
            throw tooManyAttributes("A visitor's contact");
        }
        publisher.publish(List.of(OutgoingRecord.of(Topics.CONVERSATION_EVENTS, ConversationEvent.ofContact(
                UUID.randomUUID(), visitor.tenantId(), request.correlationId(), ConversationEventType.CONTACT_UPDATED,
                contactId, null))));
        request.ok(Map.of("status", "saved", "attributes", attributes.size()));
    }

    private ProblemException tooManyAttributes(String holder) {
        return new ProblemException(422, "too-many-attributes", "Too many custom attributes", holder
                + " holds at most " + maxAttributes + " custom attributes from the widget; set one to null to "
                + "remove it", List.of(new Problem.FieldError("/attributes", "more than " + maxAttributes
                + " keys with those already stored")), null);
    }

    /** The caller's session, once its address and visitor are within {@code perAddress} and {@code perVisitor}. */
    private Session limited(Exchange exchange, ApiRequest request, RateLimits perAddress, RateLimits perVisitor) {
        perAddress.acquire(request.clientAddress());
        Session session = session(exchange);
        perVisitor.acquire(session.visitor().id().toString());
        return session;
    }

    /** A visitor's session: the visitor as stored, and the identity proof of its token that still holds (or null). */
    private record Session(ChannelSettings channel, WidgetVisitors.Visitor stored, WidgetTokens.IdentityProof proof) {

        /** The visitor, verified only for the user id of a proof that holds. */
        WidgetVisitors.Visitor visitor() {
            return stored.withUserId(proof == null ? null : proof.userId());
        }
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

    /**
     * The visitor of a token from a page of {@code origin} at {@code clientAddress}, with every check of
     * {@link #session(Exchange)} and within the read limits (a stream's opening counts as a read).
     */
    public WidgetVisitors.Visitor reader(String token, String origin, String clientAddress) {
        readsPerAddress.acquire(clientAddress);
        if (token == null || token.isBlank()) {
            throw ProblemException.unauthorized("invalid-widget-token", "Send the widget token");
        }
        WidgetVisitors.Visitor visitor = session(token, origin).visitor();
        readsPerVisitor.acquire(visitor.id().toString());
        return visitor;
    }

    private Session session(String token, String origin) {
        WidgetTokens.VisitorClaims claims = tokens.verify(token);
        ChannelSettings channel = widget(claims.channelId());
        WidgetSettings settings = WidgetSettings.of(channel);
        requireOrigin(origin, settings);
        Session session = session(channel, claims).orElseThrow(() -> ProblemException.unauthorized(
                "invalid-widget-token", "Unknown visitor"));
        if (settings.requireIdentity() && !session.visitor().verified()) {
            throw ProblemException.forbidden("identity-required", "This widget needs a verified identity");
        }
        return session;
    }

    /**
     * The stored visitor a token names, verified only while the token's proof holds for the user id stored on the
     * visitor (checked with the widget's current secret, so rotating it un-verifies every session at once).
     */
    private Optional<Session> session(ChannelSettings channel, WidgetTokens.VisitorClaims claims) {
        return visitors.find(channel.tenantId(), channel.id(), claims.visitorId()).map(stored -> {
            WidgetTokens.IdentityProof proof = claims.proof();
            boolean proven = proof != null && proof.userId().equals(stored.userId())
                    && identities.holds(channel, proof);
            return new Session(channel, stored, proven ? proof : null);
        });
    }

    private Optional<Session> resumed(JsonNode body, ChannelSettings channel) {
        if (!body.hasNonNull("visitorToken")) {
            return Optional.empty();
        }
        try {
            WidgetTokens.VisitorClaims claims = tokens.verifyForResume(body.path("visitorToken").asText());
            return claims.channelId().equals(channel.id()) ? session(channel, claims) : Optional.empty();
        } catch (ProblemException expired) {
            return Optional.empty();
        }
    }

    /**
     * The visitor's e-mail (null: none or blank). An unverified visitor's finds its contact, so it must be one the
     * contacts' normalisation takes: refused now rather than failing the visitor's messages later. A verified
     * visitor's is kept as told: it never finds a contact, and a site's empty field must not cost the session.
     */
    private String email(String given, boolean verified) {
        if (given == null || given.isBlank()) {
            return null;
        }
        if (verified) {
            return given.strip();
        }
        try {
            normaliser.normalise(ContactIdentifier.of(IdentifierType.EMAIL, given));
            return given;
        } catch (InvalidIdentifierException e) {
            throw ProblemException.badRequest("The user's e-mail is not an address", List.of(
                    new Problem.FieldError("/user/email", e.getMessage())));
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
