package com.custarea.app.api;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.security.Caller;
import com.custarea.routes.email.EmailAccount;
import com.custarea.routes.email.EmailAccounts;
import com.custarea.routes.email.EmailConnections;
import com.custarea.routes.email.EmailOAuthException;
import com.custarea.routes.email.EmailOAuthFlow;
import com.custarea.routes.email.EmailProvider;
import com.custarea.routes.email.MailboxWatches;
import com.custarea.routes.email.SesIdentities;
import com.custarea.routes.support.Problem;
import com.custarea.routes.support.ProblemException;
import com.custarea.schemas.PayloadJson;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The handlers of /api/email/accounts, of the OAuth consents that connect Gmail and Outlook mailboxes
 * (/api/settings/email/{provider}/auth) and of their callbacks (/oauth/google, /oauth/microsoft).
 */
@Component
public class EmailApi {

    private final EmailAccounts accounts;
    private final EmailOAuthFlow oauth;
    private final EmailConnections connections;
    private final SesIdentities sesIdentities;
    private final MailboxWatches watches;

    public EmailApi(EmailAccounts accounts, EmailOAuthFlow oauth, EmailConnections connections,
                    SesIdentities sesIdentities, MailboxWatches watches) {
        this.accounts = accounts;
        this.oauth = oauth;
        this.connections = connections;
        this.sesIdentities = sesIdentities;
        this.watches = watches;
    }

    /**
     * An e-mail account as the API shows it: never its credentials.
     *
     * @param id             the account's e-mail channel
     * @param status         {@code active}, or {@code needs_reauth} (with {@code statusReason}) when the provider
     *                       refused the grant: connect the mailbox again
     * @param sesVerification SES only: where the verification of the sending identity stands
     */
    public record AccountView(UUID id, String provider, String address, String displayName, String signature,
                              String status, String statusReason, String sesVerification, Instant lastSyncedAt,
                              Instant watchExpiresAt, Instant createdAt) {

        static AccountView of(EmailAccount account, String sesVerification) {
            return new AccountView(account.channelId(), account.provider().wireName(), account.address(),
                    account.displayName(), account.signature(), account.status(), account.statusReason(),
                    sesVerification, account.lastSyncedAt(), account.watchExpires(), account.createdAt());
        }
    }

    /** Where to send the admin to consent. */
    public record Consent(URI url) {
    }

    public void list(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        request.ok(Map.of("items", accounts.list(request.caller().tenantId()).stream()
                .map(account -> AccountView.of(account, null)).toList()));
    }

    public void get(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        UUID id = request.pathId("id");
        EmailAccount account = accounts.find(request.caller().tenantId(), id).orElseThrow(() -> notFound(id));
        request.ok(AccountView.of(account, account.provider() == EmailProvider.SES
                ? sesIdentities.status(account.address()) : null));
    }

    public void create(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        JsonNode body = request.json("email-account-create");
        EmailProvider provider = EmailProvider.fromWireName(body.get("provider").asText());
        String refreshToken = body.path("credentials").path("refreshToken").asText(null);
        if (provider != EmailProvider.SES && refreshToken == null) {
            throw ProblemException.badRequest("A " + provider.wireName() + " mailbox is connected through its "
                    + "consent screen: GET /api/settings/email/" + provider.wireName() + "/auth", List.of(
                    new Problem.FieldError("/credentials/refreshToken", "required unless connected through OAuth")));
        }
        EmailAccount account;
        try {
            account = accounts.create(new EmailAccounts.NewAccount(caller.tenantId(), provider,
                    body.get("address").asText(), ApiRequest.text(body, "displayName"),
                    ApiRequest.text(body, "signature"),
                    refreshToken == null ? null : PayloadJson.write(Map.of("refreshToken", refreshToken)),
                    body.path("aiAgentEnabled").asBoolean(false)));
        } catch (EmailAccounts.AddressTakenException e) {
            throw new ProblemException(409, "address-taken", "Conflict", e.getMessage(), List.of(
                    new Problem.FieldError("/address", "already connected")), null);
        }
        String verification = null;
        if (provider == EmailProvider.SES) {
            verification = sesIdentities.ensureVerification(account.address());
        } else {
            watches.startQuietly(account);
        }
        request.created(AccountView.of(accounts.find(caller.tenantId(), account.channelId()).orElseThrow(),
                verification));
    }

    public void update(Exchange exchange) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        UUID id = request.pathId("id");
        JsonNode body = request.json("email-account-update");
        if (!accounts.update(caller.tenantId(), id, ApiRequest.text(body, "displayName"),
                body.has("signature") ? body.get("signature").asText() : null)) {
            throw notFound(id);
        }
        request.ok(AccountView.of(accounts.find(caller.tenantId(), id).orElseThrow(), null));
    }

    /** GET /api/settings/email/gmail/auth and /outlook/auth: Google's or Microsoft's consent URL (admins). */
    public void consent(Exchange exchange, EmailProvider provider) {
        ApiRequest request = ApiRequest.of(exchange);
        Caller caller = request.admin();
        try {
            request.ok(new Consent(oauth.authorizationUrl(caller.tenantId(), caller.userId(), provider)));
        } catch (EmailOAuthException e) {
            throw new ProblemException(503, e.reason(), "Service Unavailable", e.getMessage(), List.of(), null);
        }
    }

    /** GET /oauth/google and /oauth/microsoft: the provider sends the admin back with a code and our state. */
    public void callback(Exchange exchange, EmailProvider provider) {
        ApiRequest request = ApiRequest.of(exchange);
        String error = request.query("error").orElse(null);
        if (error != null) {
            throw new ProblemException(400, "consent-refused", "Bad Request", "The mailbox was not connected: "
                    + error + request.query("error_description").map(text -> " (" + text + ")").orElse(""),
                    List.of(), null);
        }
        String state = request.query("state").orElseThrow(() -> ProblemException.badRequest(
                "The callback carries no state", List.of(new Problem.FieldError("state", "required"))));
        String code = request.query("code").orElseThrow(() -> ProblemException.badRequest(
                "The callback carries no code", List.of(new Problem.FieldError("code", "required"))));
        try {
            request.ok(AccountView.of(connections.connect(oauth.complete(provider, state, code)), null));
        } catch (EmailOAuthException e) {
            // a state we did not issue, or a code Google or Microsoft would not take (used, expired): start again
            int status = List.of(EmailOAuthException.INVALID_STATE, EmailOAuthException.INVALID_GRANT,
                    EmailOAuthException.MISSING_CODE).contains(e.reason()) ? 400 : 502;
            throw new ProblemException(status, e.reason(), status == 400 ? "Bad Request" : "Bad Gateway",
                    e.getMessage(), List.of(), null);
        }
    }

    private static ProblemException notFound(UUID id) {
        return ProblemException.notFound("No e-mail account " + id);
    }
}
