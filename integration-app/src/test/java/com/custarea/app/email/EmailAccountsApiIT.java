package com.custarea.app.email;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.custarea.app.support.TwilioWebhookClient;
import org.junit.jupiter.api.Test;

/**
 * The e-mail accounts API: a tenant sees and changes only its own accounts, an address belongs to one account,
 * only admins add accounts, bad input leaves nothing behind, and a Gmail consent ends only with a state we issued.
 */
class EmailAccountsApiIT extends DashboardIntegrationTest {

    private static final String ACCOUNTS = "/api/email/accounts";
    private static final String CONTENT_TYPE = "Content-Type";
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String SES_XML = "text/xml";

    @Test
    void anAccountIsItsTenantsOwnAndItsAddressBelongsToOneAccountOnly() {
        Session tenantA = registerTenant();
        Session tenantB = registerTenant();
        String address = "support-" + UUID.randomUUID() + "@acme.test";
        String encodedAddress = URLEncoder.encode(address, StandardCharsets.UTF_8);
        stubSesVerification(encodedAddress);

        JsonClient.Answer created = api.post(ACCOUNTS, tenantA.accessToken(), json(Map.of("provider", "ses",
                "address", address, "displayName", "Acme Support")));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        assertThat(created.json().get("provider").asText()).isEqualTo("ses");
        assertThat(created.json().get("address").asText()).isEqualTo(address);
        assertThat(created.json().get("displayName").asText()).isEqualTo("Acme Support");
        assertThat(created.json().get("status").asText()).isEqualTo("active");
        assertThat(created.json().get("sesVerification").asText()).isEqualTo("pending");
        assertThat(TENANT_SYSTEMS.findAll(postRequestedFor(urlPathEqualTo("/"))
                .withRequestBody(containing("Action=VerifyEmailIdentity"))
                .withRequestBody(containing("EmailAddress=" + encodedAddress)))).hasSize(1);
        String id = created.json().get("id").asText();
        assertThat(api.get(ACCOUNTS, tenantA.accessToken()).json().get("items").findValuesAsText("id"))
                .containsExactly(id);

        assertThat(api.get(ACCOUNTS, tenantB.accessToken()).json().get("items").findValuesAsText("id"))
                .doesNotContain(id);
        assertThat(api.get(ACCOUNTS + "/" + id, tenantB.accessToken()).status()).isEqualTo(404);
        assertThat(api.patch(ACCOUNTS + "/" + id, tenantB.accessToken(), json(Map.of("signature", "Hijacked")))
                .status()).isEqualTo(404);
        JsonClient.Answer taken = api.post(ACCOUNTS, tenantB.accessToken(), json(Map.of("provider", "ses",
                "address", address)));
        assertProblem(taken, 409, "address-taken");
        assertThat(taken.json().get("errors").findValuesAsText("pointer")).containsExactly("/address");
        List<Map<String, Object>> owners = rows(
                "SELECT tenant_id, signature FROM email_accounts WHERE address = :address", Map.of("address", address));
        assertThat(owners).hasSize(1);
        assertThat(owners.get(0).get("tenant_id")).isEqualTo(tenantA.tenantId());
        assertThat(owners.get(0).get("signature")).isNull();
        assertThat(emailChannelsOf(tenantB)).isEmpty();

        JsonClient.Answer signed = api.patch(ACCOUNTS + "/" + id, tenantA.accessToken(), json(Map.of(
                "signature", "Acme Support · acme.test")));
        assertThat(signed.status()).as(signed.raw().body()).isEqualTo(200);
        assertThat(signed.json().get("signature").asText()).isEqualTo("Acme Support · acme.test");
        assertThat(signed.json().get("displayName").asText()).isEqualTo("Acme Support");
        assertThat(api.get(ACCOUNTS + "/" + id, tenantA.accessToken()).json().get("signature").asText())
                .isEqualTo("Acme Support · acme.test");
    }

    @Test
    void onlyAdminsAddAccountsAndBadInputLeavesNothingBehind() {
        Session admin = registerTenant();
        Session agent = inviteAgent(admin);
        String address = "support-" + UUID.randomUUID() + "@acme.test";

        assertProblem(api.post(ACCOUNTS, agent.accessToken(), json(Map.of("provider", "ses", "address", address))),
                403, "forbidden");
        Map<String, Map<String, String>> refused = Map.of(
                "/provider", Map.of("provider", "yahoo", "address", address),
                "/address", Map.of("provider", "ses", "address", "support-" + UUID.randomUUID() + ".acme.test"),
                "/password", Map.of("provider", "ses", "address", address, "password", "hunter22"),
                "/credentials/refreshToken", Map.of("provider", "gmail", "address", address));
        refused.forEach((pointer, body) -> {
            JsonClient.Answer answer = api.post(ACCOUNTS, admin.accessToken(), json(body));
            assertProblem(answer, 400, "invalid-request");
            assertThat(answer.json().get("errors").findValuesAsText("pointer")).as(answer.raw().body())
                    .contains(pointer);
        });

        assertThat(rows("SELECT channel_id FROM email_accounts WHERE tenant_id = :tenant",
                Map.of("tenant", admin.tenantId()))).isEmpty();
        assertThat(emailChannelsOf(admin)).isEmpty();
    }

    @Test
    void aGmailConsentCarriesAPkceChallengeAndItsCallbackRefusesAStateWeDidNotIssue() {
        Session admin = registerTenant();

        JsonClient.Answer consent = api.get("/api/settings/email/gmail/auth", admin.accessToken());
        assertThat(consent.status()).as(consent.raw().body()).isEqualTo(200);
        assertThat(consent.json().get("url").asText())
                .startsWith(TENANT_SYSTEMS.baseUrl() + "/google/auth?")
                .contains("code_challenge_method=S256", "client_id=google-client", "access_type=offline",
                        "redirect_uri=" + URLEncoder.encode(TwilioWebhookClient.PUBLIC_BASE_URL + "/oauth/google",
                                StandardCharsets.UTF_8))
                .containsPattern("[?&]code_challenge=[A-Za-z0-9_-]{43}(&|$)")
                .containsPattern("[?&]state=[A-Za-z0-9_-]{32,}(&|$)");
        assertProblem(api.get("/api/settings/email/gmail/auth", inviteAgent(admin).accessToken()), 403, "forbidden");

        String code = "code-" + UUID.randomUUID();
        JsonClient.Answer callback = api.get("/oauth/google?state=tampered&code=" + code, null);
        assertProblem(callback, 400, "invalid-state");
        assertThat(TENANT_SYSTEMS.findAll(postRequestedFor(urlPathEqualTo("/google/token"))
                .withRequestBody(containing("code=" + code)))).isEmpty();
    }

    /** SES's answers for {@code encodedAddress}: not verified yet, then verification requested. */
    private static void stubSesVerification(String encodedAddress) {
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo("/"))
                .withRequestBody(containing("Action=GetIdentityVerificationAttributes"))
                .withRequestBody(containing(encodedAddress))
                .willReturn(aResponse().withStatus(200).withHeader(CONTENT_TYPE, SES_XML).withBody(
                        "<GetIdentityVerificationAttributesResponse xmlns=\"http://ses.amazonaws.com/doc/2010-12-01/\">"
                                + "<GetIdentityVerificationAttributesResult><VerificationAttributes/>"
                                + "</GetIdentityVerificationAttributesResult>"
                                + "<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata>"
                                + "</GetIdentityVerificationAttributesResponse>")));
        TENANT_SYSTEMS.stubFor(post(urlPathEqualTo("/"))
                .withRequestBody(containing("Action=VerifyEmailIdentity"))
                .withRequestBody(containing("EmailAddress=" + encodedAddress))
                .willReturn(aResponse().withStatus(200).withHeader(CONTENT_TYPE, SES_XML).withBody(
                        "<VerifyEmailIdentityResponse xmlns=\"http://ses.amazonaws.com/doc/2010-12-01/\">"
                                + "<VerifyEmailIdentityResult/>"
                                + "<ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata>"
                                + "</VerifyEmailIdentityResponse>")));
    }

    private static void assertProblem(JsonClient.Answer answer, int status, String slug) {
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(status);
        assertThat(answer.header(CONTENT_TYPE)).startsWith(PROBLEM_JSON);
        assertThat(answer.json().get("type").asText()).endsWith("/" + slug);
        assertThat(answer.json().get("status").asInt()).isEqualTo(status);
    }

    private List<Map<String, Object>> emailChannelsOf(Session session) {
        return rows("SELECT id FROM channels WHERE tenant_id = :tenant AND type = 'email'",
                Map.of("tenant", session.tenantId()));
    }
}
