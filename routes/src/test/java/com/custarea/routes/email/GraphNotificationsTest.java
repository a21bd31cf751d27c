package com.custarea.routes.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import com.custarea.routes.email.GraphNotifications.GraphNotification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Graph's change and lifecycle notification bodies, as Graph POSTs them, read into notifications. */
class GraphNotificationsTest {

    private static final String SUBSCRIPTION_ID = "7f105c7d-2dc5-4530-97cd-4e7ae6534c07";
    private static final String TENANT_ID = "84bd8158-6d4d-4958-8b9f-9d6445542f95";

    @Test
    void aChangeNotificationNamesTheNewMessage() {
        List<GraphNotification> notifications = GraphNotifications.parse(bytes("""
                {"value":[{
                  "subscriptionId":"7f105c7d-2dc5-4530-97cd-4e7ae6534c07",
                  "subscriptionExpirationDateTime":"2026-12-04T10:00:00.9356913Z",
                  "changeType":"created",
                  "resource":"Users/e4d3f1a2-0000-4000-8000-000000000001/Messages/AAMkAGI2TG93AAA=",
                  "resourceData":{
                    "@odata.type":"#Microsoft.Graph.Message",
                    "@odata.id":"Users/e4d3f1a2-0000-4000-8000-000000000001/Messages/AAMkAGI2TG93AAA=",
                    "@odata.etag":"W/\\"CQAAABYAAADkrWGo7bouTKlsgTZMr9KwAAAUWRHf\\"",
                    "id":"AAMkAGI2TG93AAA="
                  },
                  "clientState":"s3cret",
                  "tenantId":"84bd8158-6d4d-4958-8b9f-9d6445542f95"
                }]}"""));

        assertThat(notifications).containsExactly(new GraphNotification(SUBSCRIPTION_ID, "s3cret", "created",
                "Users/e4d3f1a2-0000-4000-8000-000000000001/Messages/AAMkAGI2TG93AAA=", "AAMkAGI2TG93AAA=", null,
                Instant.parse("2026-12-04T10:00:00.9356913Z"), TENANT_ID));
        assertThat(notifications.get(0).lifecycle()).isFalse();
    }

    @Test
    void lifecycleNotificationsCarryTheirEvent() {
        List<GraphNotification> notifications = GraphNotifications.parse(bytes("""
                {"value":[
                  {"lifecycleEvent":"reauthorizationRequired",
                   "subscriptionId":"7f105c7d-2dc5-4530-97cd-4e7ae6534c07",
                   "subscriptionExpirationDateTime":"2026-12-04T10:00:00.0000000-07:00",
                   "clientState":"s3cret","tenantId":"84bd8158-6d4d-4958-8b9f-9d6445542f95"},
                  {"lifecycleEvent":"subscriptionRemoved",
                   "subscriptionId":"7f105c7d-2dc5-4530-97cd-4e7ae6534c07",
                   "clientState":"s3cret","tenantId":"84bd8158-6d4d-4958-8b9f-9d6445542f95"},
                  {"lifecycleEvent":"missed",
                   "subscriptionId":"7f105c7d-2dc5-4530-97cd-4e7ae6534c07",
                   "subscriptionExpirationDateTime":"2026-12-04T17:00:00Z",
                   "clientState":"s3cret","tenantId":"84bd8158-6d4d-4958-8b9f-9d6445542f95"}
                ]}"""));

        assertThat(notifications).extracting(GraphNotification::lifecycleEvent).containsExactly(
                GraphNotifications.REAUTHORIZATION_REQUIRED, GraphNotifications.SUBSCRIPTION_REMOVED,
                GraphNotifications.MISSED);
        assertThat(notifications).allSatisfy(notification -> {
            assertThat(notification.lifecycle()).isTrue();
            assertThat(notification.subscriptionId()).isEqualTo(SUBSCRIPTION_ID);
            assertThat(notification.clientState()).isEqualTo("s3cret");
            assertThat(notification.resourceId()).isNull();
        });
        assertThat(notifications.get(0).subscriptionExpiration()).isEqualTo(Instant.parse("2026-12-04T17:00:00Z"));
        assertThat(notifications.get(1).subscriptionExpiration()).isNull();
    }

    @Test
    void severalChangesInOnePostAreReadInOrder() {
        List<GraphNotification> notifications = GraphNotifications.parse(bytes("""
                {"value":[
                  {"subscriptionId":"s1","changeType":"created","clientState":"a","resourceData":{"id":"m1"}},
                  {"subscriptionId":"s2","changeType":"created","clientState":"b","resourceData":{"id":"m2"}}
                ]}"""));

        assertThat(notifications).extracting(GraphNotification::resourceId).containsExactly("m1", "m2");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "not json",
        "[]",
        "{}",
        "{\"value\":{}}",
        "{\"value\":[1]}",
        "{\"value\":[{\"changeType\":\"created\",\"resourceData\":{\"id\":\"m1\"}}]}",
        "{\"value\":[{\"subscriptionId\":\"s1\",\"resourceData\":{\"id\":\"m1\"}}]}",
        "{\"value\":[{\"subscriptionId\":\"s1\",\"changeType\":\"created\"}]}",
        "{\"value\":[{\"subscriptionId\":7,\"changeType\":\"created\",\"resourceData\":{\"id\":\"m1\"}}]}",
        "{\"value\":[{\"subscriptionId\":\"s1\",\"lifecycleEvent\":\"missed\","
                + "\"subscriptionExpirationDateTime\":\"next week\"}]}"
    })
    void anythingButGraphsBodyIsRefused(String body) {
        assertThatThrownBy(() -> GraphNotifications.parse(bytes(body)))
                .isInstanceOf(InvalidGraphNotificationException.class);
    }

    @Test
    void clientStateMustMatchOurSecretExactly() {
        assertThat(GraphNotifications.clientStateMatches("s3cret-value", "s3cret-value")).isTrue();
        assertThat(GraphNotifications.clientStateMatches("s3cret-value", "s3cret-valuE")).isFalse();
        assertThat(GraphNotifications.clientStateMatches("s3cret-value", "s3cret")).isFalse();
        assertThat(GraphNotifications.clientStateMatches("s3cret-value", null)).isFalse();
        assertThat(GraphNotifications.clientStateMatches(null, null)).isFalse();
        assertThat(GraphNotifications.clientStateMatches("", "")).isFalse();
    }

    private static byte[] bytes(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }
}
