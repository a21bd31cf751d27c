package com.custarea.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import com.custarea.app.support.PipelineIntegrationTest;
import com.custarea.routes.api.ApiChannelHeaders;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BadInputIT extends PipelineIntegrationTest {

    private static final String VALID = "{\"messageId\":\"m\",\"sender\":{\"id\":\"u\"},\"text\":\"hi\"}";

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("unsigned", 401, "missing-signature", (Function<Ctx, HttpResponse<String>>) ctx ->
                        ctx.client().send(request(ctx, VALID).build())),
                Arguments.of("wrong signature", 401, "invalid-signature", (Function<Ctx, HttpResponse<String>>) ctx ->
                        ctx.client().send(request(ctx, VALID)
                                .header(ApiChannelHeaders.TIMESTAMP, Long.toString(Instant.now().getEpochSecond()))
                                .header(ApiChannelHeaders.SIGNATURE, "sha256=" + "0".repeat(64)).build())),
                Arguments.of("signed with another secret", 401, "invalid-signature",
                        (Function<Ctx, HttpResponse<String>>) ctx -> ctx.client().postMessage(ctx.channel().channelId(),
                                randomSecret(), VALID)),
                Arguments.of("replayed an hour later", 401, "stale-timestamp",
                        (Function<Ctx, HttpResponse<String>>) ctx -> ctx.client().post(path(ctx),
                                ctx.channel().secret(), Instant.now().getEpochSecond() - 3600, VALID)),
                Arguments.of("malformed JSON", 400, "invalid-request", (Function<Ctx, HttpResponse<String>>) ctx ->
                        ctx.client().postMessage(ctx.channel().channelId(), ctx.channel().secret(), "{\"messageId\":")),
                Arguments.of("schema violation", 400, "invalid-request", (Function<Ctx, HttpResponse<String>>) ctx ->
                        ctx.client().postMessage(ctx.channel().channelId(), ctx.channel().secret(),
                                "{\"messageId\":\"m\",\"sender\":{},\"text\":\"hi\",\"extra\":true}")),
                Arguments.of("invalid phone", 400, "invalid-request", (Function<Ctx, HttpResponse<String>>) ctx ->
                        ctx.client().postMessage(ctx.channel().channelId(), ctx.channel().secret(),
                                "{\"messageId\":\"m\",\"sender\":{\"phone\":\"not a number\"},\"text\":\"hi\"}")),
                Arguments.of("unknown channel", 404, "not-found", (Function<Ctx, HttpResponse<String>>) ctx ->
                        ctx.client().postMessage(java.util.UUID.randomUUID(), ctx.channel().secret(), VALID)),
                Arguments.of("not JSON", 415, "unsupported-media-type", (Function<Ctx, HttpResponse<String>>) ctx ->
                        ctx.client().send(HttpRequest.newBuilder(URI.create(ctx.client().baseUrl() + path(ctx)))
                                .header("Content-Type", "text/plain")
                                .POST(HttpRequest.BodyPublishers.ofString(VALID)).build())),
                Arguments.of("malformed form body", 400, "invalid-request", (Function<Ctx, HttpResponse<String>>) ctx ->
                        ctx.client().send(HttpRequest.newBuilder(URI.create(ctx.client().baseUrl() + path(ctx)))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString("text=%zz&bare")).build())),
                Arguments.of("form body not UTF-8", 415, "unsupported-media-type",
                        (Function<Ctx, HttpResponse<String>>) ctx -> ctx.client().send(HttpRequest.newBuilder(
                                        URI.create(ctx.client().baseUrl() + path(ctx)))
                                .header("Content-Type", "application/x-www-form-urlencoded; charset=ISO-8859-1")
                                .POST(HttpRequest.BodyPublishers.ofString("text=hi")).build())),
                Arguments.of("too large", 413, "payload-too-large", (Function<Ctx, HttpResponse<String>>) ctx ->
                        ctx.client().postMessage(ctx.channel().channelId(), ctx.channel().secret(),
                                "{\"messageId\":\"m\",\"sender\":{\"id\":\"u\"},\"text\":\"" + "x".repeat(300_000)
                                        + "\"}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestIsRefusedWithAProblemAndNothingIsStored(String name, int status, String problem,
                                                           Function<Ctx, HttpResponse<String>> send) {
        TestChannel channel = newApiChannel(true);
        Map<Integer, Long> inboundBefore = topics.endOffsets(Topics.INBOUND_MESSAGES.name());

        HttpResponse<String> response = send.apply(new Ctx(client, channel));

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
        JsonNode body = PayloadJson.tree(response.body());
        assertThat(body.get("type").asText()).isEqualTo("https://custarea.dev/problems/" + problem);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("detail").asText()).isNotBlank();
        assertThat(topics.endOffsets(Topics.INBOUND_MESSAGES.name())).isEqualTo(inboundBefore);
        assertThat(rows("SELECT id FROM messages WHERE tenant_id = :tenant", Map.of("tenant", channel.tenantId())))
                .isEmpty();
        assertThat(rows("SELECT id FROM contacts WHERE tenant_id = :tenant", Map.of("tenant", channel.tenantId())))
                .isEmpty();
    }

    @Test
    void schemaViolationsNameEveryFieldByJsonPointer() {
        TestChannel channel = newApiChannel(false);

        HttpResponse<String> response = client.postMessage(channel.channelId(), channel.secret(),
                "{\"messageId\":\"\",\"sender\":{\"id\":7},\"text\":\"hi\",\"extra\":true}");

        JsonNode errors = PayloadJson.tree(response.body()).get("errors");
        assertThat(errors).extracting(error -> error.get("pointer").asText())
                .contains("/messageId", "/sender/id", "/extra");
    }

    @Test
    void aStatusForAnotherTenantsMessageIsNotFound() {
        TestChannel mine = newApiChannel(false);
        HttpResponse<String> response = client.postStatus(mine.channelId(), mine.secret(),
                "{\"messageId\":\"" + java.util.UUID.randomUUID() + "\",\"status\":\"read\"}");
        assertThat(response.statusCode()).isEqualTo(404);
    }

    private static String path(Ctx ctx) {
        return "/api/channels/api/" + ctx.channel().channelId() + "/messages";
    }

    private static HttpRequest.Builder request(Ctx ctx, String body) {
        return HttpRequest.newBuilder(URI.create(ctx.client().baseUrl() + path(ctx)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    record Ctx(com.custarea.app.support.SignedApiClient client, TestChannel channel) {
    }
}
