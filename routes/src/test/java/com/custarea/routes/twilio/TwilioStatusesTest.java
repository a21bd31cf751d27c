package com.custarea.routes.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import com.custarea.schemas.MessageStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TwilioStatusesTest {

    @ParameterizedTest
    @ValueSource(strings = {"accepted", "scheduled", "queued", "sending", "receiving", "received", "a_new_status", ""})
    void statusesBeforeTheCarrierHasTheMessageChangeNothing(String twilioStatus) {
        assertThat(TwilioStatuses.toMessageStatus(twilioStatus)).isEmpty();
    }

    @Test
    void aPartialDeliveryIsSentNotDelivered() {
        assertThat(TwilioStatuses.toMessageStatus("partially_delivered")).contains(MessageStatus.SENT);
    }

    @Test
    void finalStatusesMapToOurs() {
        assertThat(TwilioStatuses.toMessageStatus("sent")).contains(MessageStatus.SENT);
        assertThat(TwilioStatuses.toMessageStatus("delivered")).contains(MessageStatus.DELIVERED);
        assertThat(TwilioStatuses.toMessageStatus("read")).contains(MessageStatus.READ);
        assertThat(TwilioStatuses.toMessageStatus("failed")).contains(MessageStatus.FAILED);
        assertThat(TwilioStatuses.toMessageStatus("undelivered")).contains(MessageStatus.FAILED);
        assertThat(TwilioStatuses.toMessageStatus("canceled")).contains(MessageStatus.FAILED);
    }
}
