package com.custarea.app.api;

import com.custarea.routes.email.EmailProvider;
import com.custarea.routes.support.Problem;
import org.springframework.stereotype.Component;

/**
 * /api/email/accounts, the Gmail and Outlook consents under /api/settings/email, and their OAuth callbacks
 * (/oauth/google, /oauth/microsoft: public, the state we issued proves who asked).
 */
@Component
public class EmailRoutes extends DashboardApiRoutes {

    private final EmailApi api;

    public EmailRoutes(EmailApi api) {
        this.api = api;
    }

    @Override
    public void configure() {
        rest("/api/email/accounts").tag("E-mail").security(OpenApiRoutes.BEARER)
                .get().id("email-accounts-list").produces("application/json")
                    .description("The tenant's e-mail accounts; credentials are never returned")
                    .to(handler("email-accounts-list"))
                .post().id("email-accounts-create").consumes("application/json").produces("application/json")
                    .description("Add an e-mail account (admins): SES sends from a verified identity (verification "
                            + "is requested when needed); Gmail and Outlook are usually connected through "
                            + "/api/settings/email/{provider}/auth")
                    .type(RequestBodies.CreateEmailAccount.class).outType(EmailApi.AccountView.class)
                    .responseMessage().code(409).message("The address is connected already")
                    .responseModel(Problem.class).endResponseMessage()
                    .to(handler("email-accounts-create"))
                .get("/{id}").id("email-accounts-get").produces("application/json")
                    .description("One e-mail account, with its SES verification status")
                    .outType(EmailApi.AccountView.class).to(handler("email-accounts-get"))
                .patch("/{id}").id("email-accounts-update").consumes("application/json").produces("application/json")
                    .description("Change the display name or the signature (admins)")
                    .type(RequestBodies.UpdateEmailAccount.class).outType(EmailApi.AccountView.class)
                    .to(handler("email-accounts-update"));
        rest("/api/settings/email").tag("E-mail").security(OpenApiRoutes.BEARER)
                .get("/gmail/auth").id("email-gmail-auth").produces("application/json")
                    .description("Google's consent URL for connecting a Gmail mailbox (admins)")
                    .outType(EmailApi.Consent.class).to(handler("email-gmail-auth"))
                .get("/outlook/auth").id("email-outlook-auth").produces("application/json")
                    .description("Microsoft's consent URL for connecting an Outlook mailbox (admins)")
                    .outType(EmailApi.Consent.class).to(handler("email-outlook-auth"));
        rest("/oauth").tag("E-mail")
                .get("/google").id("oauth-google").produces("application/json")
                    .description("Google's OAuth callback: stores the grant and connects the mailbox")
                    .outType(EmailApi.AccountView.class).to(handler("oauth-google"))
                .get("/microsoft").id("oauth-microsoft").produces("application/json")
                    .description("Microsoft's OAuth callback: stores the grant and connects the mailbox")
                    .outType(EmailApi.AccountView.class).to(handler("oauth-microsoft"));

        handle("email-accounts-list", api::list);
        handle("email-accounts-create", api::create);
        handle("email-accounts-get", api::get);
        handle("email-accounts-update", api::update);
        handle("email-gmail-auth", exchange -> api.consent(exchange, EmailProvider.GMAIL));
        handle("email-outlook-auth", exchange -> api.consent(exchange, EmailProvider.OUTLOOK));
        handle("oauth-google", exchange -> api.callback(exchange, EmailProvider.GMAIL));
        handle("oauth-microsoft", exchange -> api.callback(exchange, EmailProvider.OUTLOOK));
    }
}
