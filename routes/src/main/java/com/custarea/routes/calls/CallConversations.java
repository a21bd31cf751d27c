package com.custarea.routes.calls;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.contacts.ContactRequest;
import com.custarea.routes.contacts.ContactResolver;
import com.custarea.routes.contacts.IdentifierNormaliser;
import com.custarea.routes.conversations.ConversationThreader;
import com.custarea.routes.conversations.ThreadRequest;
import com.custarea.routes.conversations.ThreadResult;
import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.schemas.Channel;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import com.custarea.schemas.IdentifierType;
import com.custarea.schemas.InboundMessage;
import com.custarea.schemas.Topics;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The conversation a call belongs to: the customer's contact, found or made by their number, and its open
 * conversation on the voice line, as the threader finds or opens it for every channel (race-free, so the recorder
 * and the agent's first answer of a call agree on it).
 */
@Service
public class CallConversations {

    /** Where a call is kept. */
    public record CallConversation(UUID contactId, UUID conversationId, boolean contactCreated,
                                   boolean conversationCreated) {
    }

    private final ContactResolver contacts;
    private final ConversationThreader threader;
    private final IdentifierNormaliser normaliser;

    public CallConversations(ContactResolver contacts, ConversationThreader threader,
                             IdentifierNormaliser normaliser) {
        this.contacts = contacts;
        this.threader = threader;
        this.normaliser = normaliser;
    }

    @Transactional
    public CallConversation of(ChannelSettings line, String callSid, String customerNumber) {
        ContactIdentifier phone = caller(callSid, customerNumber);
        Set<UUID> created = new HashSet<>();
        UUID contactId = contacts.resolveAll(List.of(new ContactRequest(line.tenantId(), List.of(phone), null)),
                created).get(0);
        // the threader takes an inbound message: the call, as the first thing the customer did on it
        InboundMessage call = new InboundMessage(UUID.randomUUID(), line.tenantId(), Instant.now(),
                InboundMessage.SCHEMA_VERSION, "call-" + callSid, Channel.VOICE, line.id(), callSid, phone, null,
                List.of(), null, null, null, List.of(), List.of(), null, Instant.now(), Map.of());
        ThreadResult thread = threader.thread(new ThreadRequest(call, line, contactId, normaliser.normalise(phone)));
        return new CallConversation(contactId, thread.conversationId(), created.contains(contactId),
                thread.created());
    }

    /**
     * contact.created and conversation.created for what {@link #of} made; their ids are derived from what they
     * announce, so two announcements of one creation are one.
     */
    public List<OutgoingRecord> announcements(ChannelSettings line, CallConversation where, String correlationId) {
        List<OutgoingRecord> records = new ArrayList<>(2);
        if (where.contactCreated()) {
            records.add(OutgoingRecord.of(Topics.CONVERSATION_EVENTS, ConversationEvent.ofContact(
                    DeterministicIds.of("contact.created", where.contactId()), line.tenantId(), correlationId,
                    ConversationEventType.CONTACT_CREATED, where.contactId(), null)));
        }
        if (where.conversationCreated()) {
            records.add(OutgoingRecord.of(Topics.CONVERSATION_EVENTS, new ConversationEvent(
                    DeterministicIds.of("conversation.created", where.conversationId()), line.tenantId(),
                    Instant.now(), ConversationEvent.SCHEMA_VERSION, correlationId,
                    ConversationEventType.CONVERSATION_CREATED, where.conversationId(), where.contactId(),
                    Channel.VOICE, line.id(), null, null, null, null)));
        }
        return records;
    }

    /**
     * Who called: their number, or, when it is withheld or not a phone number (Twilio's "anonymous", a client
     * identity), a contact of this call alone rather than a failed call.
     */
    private ContactIdentifier caller(String callSid, String number) {
        ContactIdentifier phone = ContactIdentifier.of(IdentifierType.PHONE, number);
        try {
            normaliser.normalise(phone);
            return phone;
        } catch (IllegalArgumentException | NullPointerException withheld) {
            return ContactIdentifier.of(IdentifierType.EXTERNAL, "caller:" + callSid);
        }
    }
}
