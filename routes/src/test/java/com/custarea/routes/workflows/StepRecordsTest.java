package com.custarea.routes.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.routes.support.CustAreaHeaders;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import com.custarea.schemas.PayloadJson;
import com.custarea.schemas.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class StepRecordsTest {

    @Test
    void aStepsRecordsComeBackAsTheyWerePublishedValueKeyAndHeadersAlike() {
        OutgoingRecord ticket = OutgoingRecord.of(Topics.CONVERSATION_EVENTS, ConversationEvent.ofTicket(
                UUID.randomUUID(), UUID.randomUUID(), "corr-1", ConversationEventType.TICKET_CREATED,
                UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()));
        OutgoingRecord quoted = new OutgoingRecord("outbound.api", "k\"1",
                "{\"text\":\"Gr\u00fc\u00dfe \\\"du\\\"\\n\",\"a\":1}", Map.of());
        List<OutgoingRecord> records = List.of(ticket, quoted);

        String stored = StepRecords.write(records);

        JsonNode json = PayloadJson.tree(stored);
        assertThat(json).hasSize(2);
        assertThat(json.get(0).get("topic").asText()).isEqualTo(Topics.CONVERSATION_EVENTS.name());
        assertThat(json.get(0).get("value").isTextual()).as("the value is kept as published, a string").isTrue();
        assertThat(StepRecords.read(stored)).containsExactlyElementsOf(records);
        assertThat(StepRecords.read(stored).get(0).headers()).containsEntry(CustAreaHeaders.CORRELATION_ID, "corr-1");
        assertThat(StepRecords.read(StepRecords.write(List.of()))).isEmpty();
    }
}
