package com.custarea.routes.conversations;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.custarea.routes.ai.AnswerRequests;
import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.contacts.ContactRequest;
import com.custarea.routes.contacts.ContactResolver;
import com.custarea.routes.contacts.IdentifierNormaliser;
import com.custarea.routes.support.BatchStage;
import com.custarea.routes.support.DeadLetters;
import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.ContactIdentifier;
import com.custarea.schemas.ConversationEvent;
import com.custarea.schemas.ConversationEventType;
import com.custarea.schemas.InboundMessage;
import com.custarea.schemas.MessageStatus;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The ingest pipeline: for each inbound message, resolve the contact, thread the conversation, store the message
 * exactly once, and announce it (conversation.events; ai.requests when the agent answers on that channel). A batch
 * is one transaction of a few set-based statements. A message already stored (a redelivery, a provider's retry) is
 * announced again with the same event ids, so a crash between commit and publish loses nothing and downstream
 * consumers see duplicates they can drop.
 */
@Service
public class IngestStage implements BatchStage<InboundMessage> {

    /** The stage's name in dead-letter headers, tuning properties and its route id. */
    public static final String STAGE = "ingest";
    private static final int PREVIEW_LENGTH = 200;

    private final ChannelRegistry channels;
    private final ContactResolver contacts;
    private final IdentifierNormaliser normaliser;
    private final ConversationThreader threader;
    private final MessageStore messages;
    private final TransactionTemplate transaction;

    public IngestStage(ChannelRegistry channels, ContactResolver contacts, IdentifierNormaliser normaliser,
                       ConversationThreader threader, MessageStore messages, TransactionTemplate transaction) {
        this.channels = channels;
        this.contacts = contacts;
        this.normaliser = normaliser;
        this.threader = threader;
        this.messages = messages;
        this.transaction = transaction;
    }

    @Override
    public TopicSpec<InboundMessage> input() {
        return Topics.INBOUND_MESSAGES;
    }

    @Override
    public List<OutgoingRecord> process(List<StageRecord<InboundMessage>> batch) {
        List<OutgoingRecord> output = new ArrayList<>();
        Map<ProviderMessageKey, Ingest> ingests = new LinkedHashMap<>();
        List<Ingest> inOrder = new ArrayList<>();
        for (StageRecord<InboundMessage> record : batch) {
            InboundMessage message = record.payload();
            Optional<ChannelSettings> channel = channels.find(message.tenantId(), message.channelId())
                    .filter(found -> found.type() == message.channel());
            if (channel.isEmpty()) {
                output.add(DeadLetters.of(record, new UnknownChannelException(message.tenantId(),
                        message.channelId()), STAGE));
                continue;
            }
            // a provider's retry in the same batch is the same message: ingest it once, announce it twice
            Ingest ingest = ingests.computeIfAbsent(ProviderMessageKey.of(message),
                    key -> new Ingest(message, channel.get()));
            inOrder.add(ingest);
        }
        if (inOrder.isEmpty()) {
            return output;
        }
        transaction.executeWithoutResult(tx -> store(new ArrayList<>(ingests.values())));
        for (Ingest ingest : inOrder) {
            output.addAll(announce(ingest.message, ingest.channel, ingest.stored, ingest.newContact));
        }
        return output;
    }

    private void store(List<Ingest> ingests) {
        Map<ProviderMessageKey, StoredMessage> existing = messages.findByProviderIds(
                ingests.stream().map(ingest -> ProviderMessageKey.of(ingest.message)).toList());
        List<Ingest> fresh = new ArrayList<>();
        for (Ingest ingest : ingests) {
            StoredMessage stored = existing.get(ProviderMessageKey.of(ingest.message));
            if (stored != null) {
                ingest.stored = stored;
            } else {
                fresh.add(ingest);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        Set<UUID> createdContacts = new HashSet<>();
        List<UUID> contactIds = contacts.resolveAll(fresh.stream().map(ingest -> {
            List<ContactIdentifier> identifiers = new ArrayList<>();
            identifiers.add(ingest.message.sender());
            identifiers.addAll(ingest.message.otherIdentifiers());
            return new ContactRequest(ingest.message.tenantId(), identifiers, ingest.message.senderName());
        }).toList(), createdContacts);
        List<ThreadRequest> threadRequests = new ArrayList<>();
        for (int i = 0; i < fresh.size(); i++) {
            Ingest ingest = fresh.get(i);
            threadRequests.add(new ThreadRequest(ingest.message, ingest.channel, contactIds.get(i),
                    normaliser.normalise(ingest.message.sender())));
        }
        List<ThreadResult> threads = threader.threadAll(threadRequests);
        Map<ProviderMessageKey, UUID> inserted = messages.insertInbound(
                fresh.stream().map(ingest -> ingest.message).toList(),
                threads.stream().map(ThreadResult::conversationId).toList());
        for (int i = 0; i < fresh.size(); i++) {
            Ingest ingest = fresh.get(i);
            UUID id = inserted.get(ProviderMessageKey.of(ingest.message));
            if (id == null) {
                // stored by a concurrent consumer since the lookup: announce that one
                ingest.stored = messages.findByProviderIds(List.of(ProviderMessageKey.of(ingest.message)))
                        .get(ProviderMessageKey.of(ingest.message));
            } else {
                ingest.stored = new StoredMessage(id, threads.get(i).conversationId(), contactIds.get(i),
                        threads.get(i).created());
                ingest.newContact = createdContacts.contains(contactIds.get(i));
            }
        }
        messages.touchConversations(fresh.stream()
                .map(ingest -> Map.entry(ingest.message.tenantId(), ingest.stored.conversationId())).toList(), true);
    }

    private List<OutgoingRecord> announce(InboundMessage message, ChannelSettings channel, StoredMessage stored,
                                          boolean newContact) {
        Instant now = Instant.now();
        UUID contactId = stored.contactId();
        List<OutgoingRecord> output = new ArrayList<>(4);
        if (newContact) {
            output.add(OutgoingRecord.of(Topics.CONVERSATION_EVENTS, ConversationEvent.ofContact(
                    DeterministicIds.of("contact.created", contactId), message.tenantId(), message.correlationId(),
                    ConversationEventType.CONTACT_CREATED, contactId, null)));
        }
        if (stored.firstOfConversation()) {
            output.add(OutgoingRecord.of(Topics.CONVERSATION_EVENTS, new ConversationEvent(
                    DeterministicIds.of("conversation.created", stored.conversationId()), message.tenantId(), now,
                    ConversationEvent.SCHEMA_VERSION, message.correlationId(),
                    ConversationEventType.CONVERSATION_CREATED, stored.conversationId(), contactId,
                    message.channel(), message.channelId(), null, null, null, null)));
        }
        output.add(OutgoingRecord.of(Topics.CONVERSATION_EVENTS, new ConversationEvent(
                DeterministicIds.of("message.created", stored.id()), message.tenantId(), now,
                ConversationEvent.SCHEMA_VERSION, message.correlationId(), ConversationEventType.MESSAGE_CREATED,
                stored.conversationId(), contactId, message.channel(), message.channelId(), stored.id(), "inbound",
                MessageStatus.RECEIVED, preview(message.text()))));
        // an auto-reply answered by the agent could start a loop of machines answering each other
        if (channel.aiAgentEnabled() && !message.automated()) {
            output.add(OutgoingRecord.of(Topics.AI_REQUESTS, AnswerRequests.forArrived(message, stored.id(),
                    stored.conversationId(), contactId, now)));
        }
        return output;
    }

    private static String preview(String text) {
        if (text == null) {
            return null;
        }
        return text.length() <= PREVIEW_LENGTH ? text : text.substring(0, PREVIEW_LENGTH);
    }

    /** One message of the batch on its way through the stage. */
    private static final class Ingest {
        final InboundMessage message;
        final ChannelSettings channel;
        StoredMessage stored;
        boolean newContact;

        Ingest(InboundMessage message, ChannelSettings channel) {
            this.message = message;
            this.channel = channel;
        }
    }
}
