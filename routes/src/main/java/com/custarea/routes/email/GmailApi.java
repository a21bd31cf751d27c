package com.custarea.routes.email;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.custarea.routes.support.ProviderCallErrorHandling;
import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.ByteArrayContent;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.History;
import com.google.api.services.gmail.model.HistoryMessageAdded;
import com.google.api.services.gmail.model.ListHistoryResponse;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.WatchRequest;
import com.google.api.services.gmail.model.WatchResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The Gmail API calls CustArea makes for a mailbox, through Google's own client with the access token given per call,
 * raising {@link EmailProviderUnavailableException} for throttling, 5xx and network errors (with Gmail's
 * Retry-After), {@link EmailReauthorizationRequiredException} for 401 and {@link EmailProviderRefusedException} for
 * any other 4xx.
 */
@Component
public class GmailApi {

    /** The user id that means "the mailbox the token was granted for". */
    static final String ME = "me";
    static final String INBOX_LABEL = "INBOX";
    private static final String MESSAGE_ADDED = "messageAdded";
    private static final String FORMAT_RAW = "raw";
    private static final String RFC822 = "message/rfc822";
    private static final String APPLICATION_NAME = "CustArea";

    /**
     * Larger mails go through the upload endpoint in one multipart request: Gmail refuses a JSON body over its
     * payload limit (reported as low as 1 MiB), and {@code raw} is a third larger than the MIME.
     */
    static final int MAX_INLINE_RAW_BYTES = 512 * 1024;

    /** Gmail's 403 reasons for quota and rate limits: the same request succeeds later. */
    private static final Set<String> QUOTA_REASONS =
            Set.of("rateLimitExceeded", "userRateLimitExceeded", "dailyLimitExceeded");

    private static final int CONNECT_TIMEOUT_MS = 10_000;
    /** Long enough for Gmail to accept a 35 MB upload. */
    private static final int READ_TIMEOUT_MS = 60_000;

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /** Thread-safe and keeps its connections: shared by every call. */
    private final HttpTransport transport = new NetHttpTransport();
    private final String rootUrl;

    public GmailApi(@Value("${custarea.email.gmail.root-url:https://gmail.googleapis.com/}") String rootUrl) {
        this.rootUrl = rootUrl.endsWith("/") ? rootUrl : rootUrl + "/";
    }

    /** What users.messages.send returned: Gmail's ids of the sent mail and of its thread. */
    public record SentMail(String id, String threadId) {
    }

    /** What users.watch returned: the mailbox's history id at that moment, and when the watch lapses. */
    public record Watch(String historyId, Instant expiration) {
    }

    /** A message Gmail named, and its thread. */
    public record MessageRef(String id, String threadId) {
    }

    /**
     * One page of users.history.list: the messages added to the inbox, once each, oldest first.
     *
     * @param nextPageToken the token of the next page, or null on the last page
     * @param historyId     the mailbox's history id when the page was read: where the next sync starts
     */
    public record HistoryPage(List<MessageRef> added, String nextPageToken, String historyId) {

        public HistoryPage {
            added = List.copyOf(added);
        }
    }

    /**
     * A message in RFC 822 form as users.messages.get(format=raw) returned it.
     *
     * @param mime         the decoded MIME
     * @param internalDate when Gmail received it
     */
    public record RawMail(String id, String threadId, byte[] mime, List<String> labelIds, Instant internalDate,
                          String historyId) {

        public RawMail {
            labelIds = labelIds == null ? List.of() : List.copyOf(labelIds);
        }
    }

    /** One page of users.messages.list; {@code nextPageToken} is null on the last page. */
    public record ListPage(List<MessageRef> messages, String nextPageToken) {

        public ListPage {
            messages = List.copyOf(messages);
        }
    }

    /** The mailbox's address and its current history id. */
    public record Profile(String emailAddress, String historyId) {
    }

    /**
     * Sends {@code rawMime} as written (our Message-ID and threading headers kept), in Gmail's thread
     * {@code threadId} when not null.
     */
    public SentMail send(String accessToken, byte[] rawMime, String threadId) {
        return call("users.messages.send", () -> {
            Message message = new Message().setThreadId(threadId);
            Gmail.Users.Messages.Send request;
            if (rawMime.length <= MAX_INLINE_RAW_BYTES) {
                message.setRaw(BASE64URL.encodeToString(rawMime));
                request = gmail(accessToken).users().messages().send(ME, message);
            } else {
                request = gmail(accessToken).users().messages()
                        .send(ME, message, new ByteArrayContent(RFC822, rawMime));
                // one multipart request (metadata and MIME) rather than a resumable session of several
                request.getMediaHttpUploader().setDirectUploadEnabled(true);
            }
            Message sent = request.execute();
            return new SentMail(sent.getId(), sent.getThreadId());
        });
    }

    /** Asks Gmail to publish the mailbox's changes to the Pub/Sub topic {@code topicName} (re-watch daily). */
    public Watch watch(String accessToken, String topicName, List<String> labelIds) {
        return call("users.watch", () -> {
            WatchRequest request = new WatchRequest().setTopicName(topicName);
            if (labelIds != null && !labelIds.isEmpty()) {
                request.setLabelIds(List.copyOf(labelIds));
            }
            WatchResponse response = gmail(accessToken).users().watch(ME, request).execute();
            return new Watch(text(response.getHistoryId()), instant(response.getExpiration()));
        });
    }

    /** Stops the mailbox's push notifications. */
    public void stop(String accessToken) {
        call("users.stop", () -> gmail(accessToken).users().stop(ME).execute());
    }

    /**
     * The messages added to the inbox since {@code startHistoryId}, one page at a time ({@code pageToken} null for
     * the first). {@link GmailHistoryExpiredException} when Gmail no longer has that history: sync in full.
     */
    public HistoryPage history(String accessToken, String startHistoryId, String pageToken) {
        BigInteger start = historyId(startHistoryId);
        return call("users.history.list", () -> {
            ListHistoryResponse response;
            try {
                response = gmail(accessToken).users().history().list(ME)
                        .setStartHistoryId(start)
                        .setHistoryTypes(List.of(MESSAGE_ADDED))
                        .setLabelId(INBOX_LABEL)
                        .setPageToken(pageToken)
                        .execute();
            } catch (HttpResponseException e) {
                if (e.getStatusCode() == 404) {
                    throw new GmailHistoryExpiredException("Gmail has no history from " + startHistoryId
                            + " any more: the mailbox needs a full sync");
                }
                throw e;
            }
            // a message can appear in several history records of one page
            Map<String, MessageRef> added = new LinkedHashMap<>();
            for (History history : orEmpty(response.getHistory())) {
                for (HistoryMessageAdded messageAdded : orEmpty(history.getMessagesAdded())) {
                    Message message = messageAdded.getMessage();
                    if (message != null && message.getId() != null) {
                        added.putIfAbsent(message.getId(), new MessageRef(message.getId(), message.getThreadId()));
                    }
                }
            }
            return new HistoryPage(List.copyOf(added.values()), response.getNextPageToken(),
                    text(response.getHistoryId()));
        });
    }

    /** The message {@code messageId} as RFC 822 bytes, with its Gmail metadata. */
    public RawMail fetchRaw(String accessToken, String messageId) {
        return call("users.messages.get", () -> {
            Message message = gmail(accessToken).users().messages().get(ME, messageId)
                    .setFormat(FORMAT_RAW)
                    .execute();
            if (message.getRaw() == null) {
                throw new EmailProviderUnavailableException("Gmail returned message " + messageId
                        + " without its raw content", Optional.empty());
            }
            return new RawMail(message.getId(), message.getThreadId(), decodeRaw(message.getRaw()),
                    message.getLabelIds(), instant(message.getInternalDate()), text(message.getHistoryId()));
        });
    }

    /** The messages matching the Gmail search {@code query} (for example {@code in:inbox newer_than:7d}), by page. */
    public ListPage list(String accessToken, String query, String pageToken) {
        return call("users.messages.list", () -> {
            ListMessagesResponse response = gmail(accessToken).users().messages().list(ME)
                    .setQ(query)
                    .setPageToken(pageToken)
                    .execute();
            List<MessageRef> messages = orEmpty(response.getMessages()).stream()
                    .map(message -> new MessageRef(message.getId(), message.getThreadId()))
                    .toList();
            return new ListPage(messages, response.getNextPageToken());
        });
    }

    /** The mailbox's address and current history id. */
    public Profile profile(String accessToken) {
        return call("users.getProfile", () -> {
            com.google.api.services.gmail.model.Profile profile =
                    gmail(accessToken).users().getProfile(ME).execute();
            return new Profile(profile.getEmailAddress(), text(profile.getHistoryId()));
        });
    }

    private Gmail gmail(String accessToken) {
        return new Gmail.Builder(transport, GsonFactory.getDefaultInstance(), request -> {
            request.getHeaders().setAuthorization("Bearer " + accessToken);
            request.setConnectTimeout(CONNECT_TIMEOUT_MS);
            request.setReadTimeout(READ_TIMEOUT_MS);
            // one attempt: the caller retries, honouring Retry-After, and records each attempt
            request.setNumberOfRetries(0);
        }).setRootUrl(rootUrl).setApplicationName(APPLICATION_NAME).build();
    }

    @FunctionalInterface
    private interface GmailCall<T> {
        T run() throws IOException;
    }

    private static <T> T call(String operation, GmailCall<T> call) {
        try {
            return call.run();
        } catch (HttpResponseException e) {
            throw failure(operation, e);
        } catch (IOException e) {
            throw new EmailProviderUnavailableException("Gmail " + operation + " could not be reached: "
                    + e.getMessage(), Optional.empty(), e);
        }
    }

    /** The exception that tells the caller what Gmail's error answer means for it. */
    static RuntimeException failure(String operation, HttpResponseException e) {
        int status = e.getStatusCode();
        List<String> reasons = reasons(e);
        String reason = reasons.isEmpty() ? null : reasons.get(0);
        String message = "Gmail " + operation + " answered HTTP " + status
                + (reason == null ? "" : " (" + reason + ")") + ": " + detail(e);
        if (status == 401) {
            return new EmailReauthorizationRequiredException(message);
        }
        boolean quota = status == 403 && reasons.stream().anyMatch(QUOTA_REASONS::contains);
        if (status >= 400 && status < 500 && status != 408 && status != 429 && !quota) {
            return new EmailProviderRefusedException(status, reason == null ? "http-" + status : reason, message);
        }
        String retryAfter = e.getHeaders() == null ? null : e.getHeaders().getRetryAfter();
        return new EmailProviderUnavailableException(message, ProviderCallErrorHandling.parseRetryAfter(retryAfter), e);
    }

    private static List<String> reasons(HttpResponseException e) {
        if (e instanceof GoogleJsonResponseException json && json.getDetails() != null
                && json.getDetails().getErrors() != null) {
            return json.getDetails().getErrors().stream()
                    .map(GoogleJsonError.ErrorInfo::getReason)
                    .filter(reason -> reason != null && !reason.isBlank())
                    .toList();
        }
        return List.of();
    }

    private static String detail(HttpResponseException e) {
        if (e instanceof GoogleJsonResponseException json && json.getDetails() != null
                && json.getDetails().getMessage() != null) {
            return json.getDetails().getMessage();
        }
        return e.getStatusMessage() == null ? "" : e.getStatusMessage();
    }

    /** Gmail's {@code raw} is base64url; padding is optional. */
    static byte[] decodeRaw(String raw) {
        return Base64.getUrlDecoder().decode(raw.replace('+', '-').replace('/', '_').strip());
    }

    private static BigInteger historyId(String historyId) {
        if (historyId == null || !historyId.matches("\\d{1,40}")) {
            throw new IllegalArgumentException("Not a Gmail history id: " + historyId);
        }
        return new BigInteger(historyId);
    }

    private static String text(BigInteger value) {
        return value == null ? null : value.toString();
    }

    private static Instant instant(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
