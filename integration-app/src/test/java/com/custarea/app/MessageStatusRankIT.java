package com.custarea.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.custarea.app.support.PipelineIntegrationTest;
import com.custarea.schemas.MessageStatus;
import org.junit.jupiter.api.Test;

/** The database orders message states exactly as {@link MessageStatus} does. */
class MessageStatusRankIT extends PipelineIntegrationTest {

    @Test
    void sqlRankMatchesTheContract() {
        for (MessageStatus status : MessageStatus.values()) {
            Integer rank = jdbc.queryForObject("SELECT message_status_rank(:status)",
                    Map.of("status", status.wireName()), Integer.class);
            assertThat(rank).as(status.wireName()).isEqualTo(status.rank());
        }
    }
}
