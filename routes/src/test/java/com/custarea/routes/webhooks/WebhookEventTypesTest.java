package com.custarea.routes.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Optional;

import com.custarea.schemas.ConversationEventType;
import org.junit.jupiter.api.Test;

/** Tenants' webhooks hear of every lasting conversation event and of no typing signal. */
class WebhookEventTypesTest {

    @Test
    void everyLastingEventHasAWebhookTypeAndTypingSignalsHaveNone() {
        Arrays.stream(ConversationEventType.values()).forEach(type -> assertThat(WebhookEventTypes.of(type))
                .as(type.wireName()).isEqualTo(type.isTyping() ? Optional.empty()
                        : Optional.of(type == ConversationEventType.MESSAGE_STATUS_CHANGED
                        ? WebhookEventTypes.MESSAGE_UPDATED : type.wireName())));
        assertThat(WebhookEventTypes.ALL).noneMatch(name -> name.contains("typing"));
    }
}
