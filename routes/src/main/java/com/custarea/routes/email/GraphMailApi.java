package com.custarea.routes.email;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.custarea.routes.support.ProviderCallErrorHandling;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The Microsoft Graph mail calls CustArea makes for an Outlook mailbox, over Graph's REST API (Camel has no Graph
 * component) with the access token given per call, raising {@link EmailProviderUnavailableException} for 429, 5xx
 * and network errors (with Graph's Retry-After), {@link EmailReauthorizationRequiredException} for 401 and
 * {@link EmailProviderRefusedException} for any other 4xx.
 */
@Component
public class GraphMailApi {

    /** The inbox's new messages: what a mailbox's subscription watches and its delta query reads. */
    static final String INBOX_MESSAGES = "me/mailFolders('Inbox')/messages";
    static final String CHANGE_TYPE_CREATED = "created";
    /** The code of the refusal when a message is larger than we keep. */
    static final String MESSAGE_TOO_LARGE = "messageTooLarge";

    private static final String AUTHORIZATION = "Authorization";
    private static final String CONTENT_TYPE = "Content-Type";
    private static final String ACCEPT = "Accept";
    private static final String RETRY_AFTER = "Retry-After";
    private static final String CONTENT_LENGTH = "Content-Length";
    private static final String JSON = "application/json";
    private static final String TEXT_PLAIN = "text/plain";
    private static final String NEXT_LINK = "@odata.nextLink";
    private static final String DELTA_LINK = "@odata.deltaLink";
    private static final String REMOVED = "@removed";

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Long enough for Graph to accept a large MIME send or return a large message. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** JSON answers (a delta page of ids, a subscription) are small; more than this is not Graph. */
    private static final int MAX_JSON_BYTES = 4 * 1024 * 1024;
    private static final int MAX_ERROR_BYTES = 16 * 1024;

    private final HttpClient http;
    private final String baseUrl;
    private final URI baseUri;
    private final long maxMessageBytes;

    /**
     * @param baseUrl         Graph's versioned root, without a trailing slash
     * @param maxMessageBytes the largest MIME {@link #fetchMime} reads; a larger message is refused
     */
    public GraphMailApi(@Value("${custarea.email.graph.base-url:https://graph.microsoft.com/v1.0}") String baseUrl,
                        @Value("${custarea.email.max-message-bytes:26214400}") long maxMessageBytes) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.baseUri = URI.create(this.baseUrl);
        this.maxMessageBytes = maxMessageBytes;
        this.http = HttpClient.newBuilder()
                // HTTP/1.1: one request per call gains nothing from HTTP/2, and a plain-HTTP fake needs no upgrade
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    /** A change-notification subscription and when it lapses unless renewed. */
    public record Subscription(String id, Instant expiration) {
    }

    /**
     * What CustArea reads of a message besides its MIME.
     *
     * @param conversationId    Outlook's thread id
     * @param internetMessageId the Message-ID header, with angle brackets
     */
    public record GraphMessageInfo(String id, String conversationId, String internetMessageId, Instant receivedAt,
                                   EmailAddress from) {
    }

    /**
     * One page of the inbox's delta query: the ids of messages added or changed (removals skipped), and either the
     * link to the next page or, on the last page, the delta link to start from next time.
     */
    public record DeltaPage(List<String> messageIds, String nextLink, String deltaLink) {

        public DeltaPage {
            messageIds = List.copyOf(messageIds);
        }

        /** Whether this is the last page (the delta link is known). */
        public boolean last() {
            return nextLink == null;
        }
    }

    /** The signed-in mailbox: its primary SMTP address ({@code mail}, may be null) and its sign-in name. */
    public record Me(String mail, String userPrincipalName) {

        /** The mailbox's address: {@code mail}, or the user principal name when the mailbox has none. */
        public String address() {
            return mail != null && !mail.isBlank() ? mail : userPrincipalName;
        }
    }

    /**
     * Sends {@code rawMime} with sendMail in MIME form (base64 as text/plain), so the Message-ID, In-Reply-To and
     * References we wrote reach the recipient unchanged. Graph answers 202 and keeps a copy in Sent Items.
     */
    public void sendMime(String accessToken, byte[] rawMime) {
        HttpRequest request = request(accessToken, URI.create(baseUrl + "/me/sendMail"))
                .header(CONTENT_TYPE, TEXT_PLAIN)
                .POST(HttpRequest.BodyPublishers.ofString(Base64.getEncoder().encodeToString(rawMime),
                        StandardCharsets.US_ASCII))
                .build();
        execute("sendMail", request, MAX_ERROR_BYTES);
    }

    /**
     * Subscribes {@code notificationUrl} to the inbox's new messages until {@code expiration} (at most about 7 days
     * for messages); Graph validates both URLs before answering. {@code lifecycleUrl} may be null.
     */
    public Subscription subscribe(String accessToken, String notificationUrl, String lifecycleUrl,
                                  String clientState, Instant expiration) {
        ObjectNode body = PayloadJson.mapper().createObjectNode()
                .put("changeType", CHANGE_TYPE_CREATED)
                .put("notificationUrl", notificationUrl);
        if (lifecycleUrl != null) {
            body.put("lifecycleNotificationUrl", lifecycleUrl);
        }
        body.put("resource", INBOX_MESSAGES)
                .put("expirationDateTime", graphDateTime(expiration))
                .put("clientState", clientState);
        return subscription("create subscription", jsonRequest(accessToken, URI.create(baseUrl + "/subscriptions"))
                .header(CONTENT_TYPE, JSON)
                .POST(json(body))
                .build());
    }

    /** Extends the subscription {@code subscriptionId} until {@code expiration}. */
    public Subscription renew(String accessToken, String subscriptionId, Instant expiration) {
        ObjectNode body = PayloadJson.mapper().createObjectNode()
                .put("expirationDateTime", graphDateTime(expiration));
        return subscription("renew subscription", jsonRequest(accessToken, subscriptionUri(subscriptionId))
                .header(CONTENT_TYPE, JSON)
                .method("PATCH", json(body))
                .build());
    }

    /** Deletes the subscription {@code subscriptionId}; one Graph no longer has is already gone. */
    public void unsubscribe(String accessToken, String subscriptionId) {
        HttpRequest request = request(accessToken, subscriptionUri(subscriptionId)).DELETE().build();
        try {
            execute("delete subscription", request, MAX_ERROR_BYTES);
        } catch (EmailProviderRefusedException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    /**
     * The MIME of message {@code messageId}; {@link EmailProviderRefusedException} with status 413 and code
     * {@value #MESSAGE_TOO_LARGE} when it is larger than {@code custarea.email.max-message-bytes}.
     */
    public byte[] fetchMime(String accessToken, String messageId) {
        URI uri = URI.create(baseUrl + "/me/messages/" + segment(messageId) + "/$value");
        HttpResponse<InputStream> response = send("get message MIME", request(accessToken, uri).GET().build());
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status != 200) {
                throw failure("get message MIME", response, body.readNBytes(MAX_ERROR_BYTES));
            }
            long declared = response.headers().firstValueAsLong(CONTENT_LENGTH).orElse(-1);
            if (declared > maxMessageBytes) {
                throw tooLarge(messageId, declared + " bytes");
            }
            byte[] mime = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxMessageBytes + 1));
            if (mime.length > maxMessageBytes) {
                throw tooLarge(messageId, "more than " + maxMessageBytes + " bytes");
            }
            return mime;
        } catch (IOException e) {
            throw unreachable("get message MIME", e);
        }
    }

    /** The thread id, Message-ID, arrival time and sender of message {@code messageId}. */
    public GraphMessageInfo message(String accessToken, String messageId) {
        URI uri = URI.create(baseUrl + "/me/messages/" + segment(messageId)
                + "?$select=id,conversationId,internetMessageId,receivedDateTime,from");
        JsonNode message = execute("get message", jsonRequest(accessToken, uri).GET().build(), MAX_JSON_BYTES);
        JsonNode from = message.path("from").path("emailAddress");
        return new GraphMessageInfo(text(message, "id"), text(message, "conversationId"),
                text(message, "internetMessageId"), instant(text(message, "receivedDateTime")),
                from.hasNonNull("address") ? new EmailAddress(from.get("address").asText(), text(from, "name")) : null);
    }

    /**
     * One page of the inbox's delta query: the first page of a full round when {@code deltaOrNextLink} is null,
     * else the page at the next or delta link Graph returned before (only ever sent to Graph's own host).
     */
    public DeltaPage delta(String accessToken, String deltaOrNextLink) {
        URI uri = deltaOrNextLink == null
                ? URI.create(baseUrl + "/" + INBOX_MESSAGES + "/delta?$select=id,conversationId,receivedDateTime")
                : graphLink(deltaOrNextLink);
        JsonNode page = execute("delta query", jsonRequest(accessToken, uri).GET().build(), MAX_JSON_BYTES);
        List<String> ids = new ArrayList<>();
        for (JsonNode message : page.path("value")) {
            if (!message.has(REMOVED) && message.hasNonNull("id")) {
                ids.add(message.get("id").asText());
            }
        }
        String nextLink = text(page, NEXT_LINK);
        String deltaLink = text(page, DELTA_LINK);
        if (nextLink == null && deltaLink == null) {
            throw new EmailProviderUnavailableException("Graph's delta page has neither a next nor a delta link",
                    Optional.empty());
        }
        return new DeltaPage(ids, nextLink, nextLink == null ? deltaLink : null);
    }

    /** The signed-in mailbox's address and user principal name. */
    public Me me(String accessToken) {
        URI uri = URI.create(baseUrl + "/me?$select=mail,userPrincipalName");
        JsonNode me = execute("get me", jsonRequest(accessToken, uri).GET().build(), MAX_JSON_BYTES);
        return new Me(text(me, "mail"), text(me, "userPrincipalName"));
    }

    private Subscription subscription(String operation, HttpRequest request) {
        JsonNode subscription = execute(operation, request, MAX_JSON_BYTES);
        String id = text(subscription, "id");
        if (id == null) {
            throw new EmailProviderUnavailableException("Graph's " + operation + " answer has no id",
                    Optional.empty());
        }
        return new Subscription(id, instant(text(subscription, "expirationDateTime")));
    }

    private URI subscriptionUri(String subscriptionId) {
        return URI.create(baseUrl + "/subscriptions/" + segment(subscriptionId));
    }

    /** A link Graph gave, refused when it points anywhere but Graph: the access token goes with it. */
    private URI graphLink(String link) {
        URI uri = URI.create(link);
        if (!Objects.equals(uri.getScheme(), baseUri.getScheme()) || !Objects.equals(uri.getHost(), baseUri.getHost())
                || uri.getPort() != baseUri.getPort()) {
            throw new IllegalArgumentException("Not a Microsoft Graph link: " + uri.getScheme() + "://"
                    + uri.getHost());
        }
        return uri;
    }

    private static HttpRequest.Builder request(String accessToken, URI uri) {
        return HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header(AUTHORIZATION, "Bearer " + accessToken);
    }

    private static HttpRequest.Builder jsonRequest(String accessToken, URI uri) {
        return request(accessToken, uri).header(ACCEPT, JSON);
    }

    private static HttpRequest.BodyPublisher json(JsonNode body) {
        return HttpRequest.BodyPublishers.ofString(PayloadJson.write(body), StandardCharsets.UTF_8);
    }

    /** Sends {@code request} and returns its JSON answer (an empty object for an empty 2xx answer). */
    private JsonNode execute(String operation, HttpRequest request, int maxBytes) {
        HttpResponse<InputStream> response = send(operation, request);
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status < 200 || status >= 300) {
                throw failure(operation, response, body.readNBytes(MAX_ERROR_BYTES));
            }
            byte[] bytes = body.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new EmailProviderUnavailableException("Graph's " + operation + " answer is larger than "
                        + maxBytes + " bytes", Optional.empty());
            }
            if (bytes.length == 0) {
                return PayloadJson.mapper().createObjectNode();
            }
            JsonNode json = PayloadJson.mapper().readTree(bytes);
            if (json == null || !json.isObject()) {
                throw new EmailProviderUnavailableException("Graph's " + operation + " answer is not a JSON object",
                        Optional.empty());
            }
            return json;
        } catch (IOException e) {
            throw unreachable(operation, e);
        }
    }

    private HttpResponse<InputStream> send(String operation, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable(operation, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmailProviderUnavailableException("Interrupted during Graph's " + operation, Optional.empty(),
                    e);
        }
    }

    /** The exception that tells the caller what Graph's error answer means for it. */
    static RuntimeException failure(String operation, HttpResponse<?> response, byte[] body) {
        int status = response.statusCode();
        JsonNode error = errorOf(body);
        String code = text(error, "code");
        String message = "Graph " + operation + " answered HTTP " + status + (code == null ? "" : " (" + code + ")")
                + (text(error, "message") == null ? "" : ": " + text(error, "message"));
        if (status == 401) {
            return new EmailReauthorizationRequiredException(message);
        }
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            return new EmailProviderRefusedException(status, code == null ? "http-" + status : code, message);
        }
        return new EmailProviderUnavailableException(message,
                ProviderCallErrorHandling.parseRetryAfter(response.headers().firstValue(RETRY_AFTER).orElse(null)));
    }

    /** Graph's {@code {"error":{"code","message"}}}, or an empty object when the body is not that. */
    private static JsonNode errorOf(byte[] body) {
        if (body == null || body.length == 0) {
            return PayloadJson.mapper().createObjectNode();
        }
        try {
            JsonNode json = PayloadJson.mapper().readTree(body);
            return json == null ? PayloadJson.mapper().createObjectNode() : json.path("error");
        } catch (IOException notJson) {
            return PayloadJson.mapper().createObjectNode();
        }
    }

    private static EmailProviderUnavailableException unreachable(String operation, IOException e) {
        return new EmailProviderUnavailableException("Graph's " + operation + " could not be completed: "
                + e.getMessage(), Optional.empty(), e);
    }

    private static EmailProviderRefusedException tooLarge(String messageId, String size) {
        return new EmailProviderRefusedException(413, MESSAGE_TOO_LARGE, "The Outlook message " + messageId
                + " has " + size + ", more than CustArea keeps (custarea.email.max-message-bytes)");
    }

    /** {@code value} as one path segment: Graph ids are base64 and may hold '/', '+' and '='. */
    static String segment(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("A Graph id is required");
        }
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    /** Whole seconds: Graph reads at most 7 fractional digits, and an instant can have 9. */
    static String graphDateTime(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Graph writes instants with an offset and up to 7 fractional digits. */
    static Instant instant(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new EmailProviderUnavailableException("Graph returned an unreadable date: " + value,
                    Optional.empty(), e);
        }
    }
}
