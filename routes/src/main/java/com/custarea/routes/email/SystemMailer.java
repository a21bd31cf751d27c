package com.custarea.routes.email;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.OutboundMessage;
import com.custarea.schemas.Topics;
import org.springframework.stereotype.Service;

/** Sends mail that belongs to no conversation (sign-in codes, invitations) through outbound.email. */
@Service
public class SystemMailer {

    private final EventPublisher publisher;

    public SystemMailer(EventPublisher publisher) {
        this.publisher = publisher;
    }

    /** Publishes the mail and returns once Kafka has it. */
    public void send(UUID tenantId, String to, String subject, String text, String correlationId) {
        UUID id = UUID.randomUUID();
        OutboundMessage mail = new OutboundMessage(id, tenantId, Instant.now(), OutboundMessage.SCHEMA_VERSION,
                correlationId, id, null, null, Channel.EMAIL, null, ContactIdentifier.of(IdentifierType.EMAIL, to),
                "system", subject, text, null, List.of(), null, List.of(),
                Map.of(OutboundMessage.KIND, OutboundMessage.SYSTEM));
        publisher.publish(List.of(OutgoingRecord.of(Topics.outbound(Channel.EMAIL), mail)));
    }
}
