package com.custarea.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.custarea.app.support.DashboardIntegrationTest;
import com.custarea.app.support.JsonClient;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class ContactsApiIT extends DashboardIntegrationTest {

    @Test
    void contactsAreCreatedSearchedChangedAndTheirIdentifiersKeptUnique() {
        Session admin = registerTenant();
        String token = admin.accessToken();
        JsonClient.Answer ada = api.post("/api/contacts", token, json(Map.of("name", "Ada Lovelace",
                "email", "ADA@Example.com", "phone", "+1 (415) 555-0111", "attributes", Map.of("plan", "pro"))));
        assertThat(ada.status()).as(ada.raw().body()).isEqualTo(201);
        String id = ada.json().get("id").asText();
        assertThat(ada.json().get("identifiers")).extracting(i -> i.get("type").asText() + "=" + i.get("value").asText())
                .containsExactlyInAnyOrder("email=ada@example.com", "phone=+14155550111");
        assertThat(ada.json().get("attributes").get("plan").asText()).isEqualTo("pro");
        api.post("/api/contacts", token, json(Map.of("name", "Grace Hopper", "externalId", "g-1")));

        assertThat(api.get("/api/contacts?q=lovelace", token).json().get("items")).extracting(c -> c.get("id").asText())
                .containsExactly(id);
        assertThat(api.get("/api/contacts?q=5550111", token).json().get("items")).hasSize(1);

        JsonClient.Answer taken = api.post("/api/contacts", token, json(Map.of("name", "Impostor",
                "email", "ada@example.com")));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.json().get("detail").asText()).contains(id);
        assertThat(api.get("/api/contacts?q=Impostor", token).json().get("items")).isEmpty();

        JsonClient.Answer badPhone = api.post("/api/contacts", token, json(Map.of("phone", "call me")));
        assertThat(badPhone.status()).isEqualTo(400);
        assertThat(badPhone.json().get("errors").get(0).get("pointer").asText()).isEqualTo("/phone");

        JsonClient.Answer renamed = api.patch("/api/contacts/" + id, token, json(Map.of("name", "Countess Ada")));
        assertThat(renamed.json().get("name").asText()).isEqualTo("Countess Ada");
        JsonClient.Answer added = api.post("/api/contacts/" + id + "/identifiers", token, json(Map.of(
                "type", "external", "value", "crm-7")));
        assertThat(added.status()).isEqualTo(201);
        assertThat(api.get("/api/contacts/" + id + "/identifiers", token).json()).hasSize(3);
        assertThat(api.post("/api/contacts/" + id + "/notes", token, json(Map.of("body", "Prefers e-mail")))
                .status()).isEqualTo(201);
        assertThat(api.get("/api/contacts/" + id + "/notes", token).json().get(0).get("body").asText())
                .isEqualTo("Prefers e-mail");
        assertThat(api.delete("/api/contacts/" + id, token).status()).isEqualTo(204);
        assertThat(api.get("/api/contacts/" + id, token).status()).isEqualTo(404);
    }

    @Test
    void mergingMovesIdentifiersConversationsAndNotesAndRefusesTwoIdentitiesOfOneKindUnlessForced() {
        Session admin = registerTenant();
        String token = admin.accessToken();
        TestChannel channel = apiChannelOf(admin, false);
        String primary = api.post("/api/contacts", token, json(Map.of("name", "Sam", "email", "sam@home.example")))
                .json().get("id").asText();
        String duplicate = api.post("/api/contacts", token, json(Map.of("phone", "+14155550123",
                "email", "sam@work.example"))).json().get("id").asText();
        String conversation = api.post("/api/conversations", token, json(Map.of("contactId", duplicate,
                "channelId", channel.channelId().toString()))).json().get("id").asText();
        api.post("/api/contacts/" + duplicate + "/notes", token, json(Map.of("body", "called twice")));

        JsonClient.Answer refused = api.post("/api/contacts/" + primary + "/merge", token,
                json(Map.of("mergeContactId", duplicate)));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("detail").asText()).contains("email");
        assertThat(api.get("/api/contacts/" + duplicate, token).status()).isEqualTo(200);

        JsonClient.Answer merged = api.post("/api/contacts/" + primary + "/merge", token,
                json(Map.of("mergeContactId", duplicate, "force", true)));
        assertThat(merged.status()).as(merged.raw().body()).isEqualTo(200);
        assertThat(merged.json().get("identifiersMoved").asInt()).isEqualTo(2);
        assertThat(merged.json().get("conversationsMoved").asInt()).isEqualTo(1);
        assertThat(merged.json().get("notesMoved").asInt()).isEqualTo(1);
        assertThat(api.get("/api/contacts/" + duplicate, token).status()).isEqualTo(404);
        JsonNode survivor = api.get("/api/contacts/" + primary, token).json();
        assertThat(survivor.get("identifiers")).hasSize(3);
        assertThat(api.get("/api/conversations/" + conversation, token).json().get("contactId").asText())
                .isEqualTo(primary);
        assertThat(rows("SELECT forced, actor_id FROM contact_merges WHERE primary_contact_id = :id",
                Map.of("id", UUID.fromString(primary)))).singleElement()
                .satisfies(row -> {
                    assertThat(row.get("forced")).isEqualTo(true);
                    assertThat(row.get("actor_id")).isEqualTo(admin.userId());
                });
    }

    @Test
    void aCsvImportRunsAsAJobWithProgressAndPerRowErrors() {
        Session admin = registerTenant();
        String token = admin.accessToken();
        String csv = """
                name,email,phone,external_id
                Ada,ada@import.example,,
                Bob,,+44 20 7946 0000,
                Nobody,,,
                Bad Mail,not-an-address,,
                Ada again,ada@import.example,,crm-ada
                """;
        JsonClient.Answer started = api.send("POST", "/api/contacts/import", token, "text/csv", csv);
        assertThat(started.status()).as(started.raw().body()).isEqualTo(202);
        String jobId = started.json().get("id").asText();
        assertThat(started.json().get("totalRows").asInt()).isEqualTo(5);

        JsonNode job = await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/contacts/import/" + jobId,
                token).json(), found -> "done".equals(found.get("status").asText()));
        assertThat(job.get("processed").asInt()).isEqualTo(5);
        assertThat(job.get("succeeded").asInt()).isEqualTo(3);
        assertThat(job.get("failed").asInt()).isEqualTo(2);
        assertThat(job.get("errors")).extracting(error -> error.get("line").asInt()).containsExactly(4, 5);
        JsonNode ada = api.get("/api/contacts?q=ada@import.example", token).json().get("items");
        assertThat(ada).hasSize(1);
        assertThat(ada.get(0).get("identifiers")).hasSize(2);

        assertThat(api.send("POST", "/api/contacts/import", token, "text/csv", "colour,size\nred,1\n").status())
                .isEqualTo(400);
    }
}
