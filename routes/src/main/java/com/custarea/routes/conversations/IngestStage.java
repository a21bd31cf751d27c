package com.custarea.routes.conversations;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.channels.ChannelRegistry;
import com.custarea.routes.channels.ChannelSettings;
import com.custarea.routes.contacts.ContactResolver;
import com.custarea.routes.contacts.IdentifierNormaliser;
import com.custarea.routes.support.BatchStage;
import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.AiRequest;
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
 * is one transaction. A message already stored (a redelivery) is announced again with the same event ids, so a
 * crash between commit and publish loses nothing and downstream consumers see duplicates they can drop.
 */
@Service
public class IngestStage implements BatchStage<InboundMessage> {

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
        return transaction.execute(status -> {
            List<OutgoingRecord> output = new ArrayList<>();
            for (StageRecord<InboundMessage> record : batch) {
                output.addAll(ingest(record.payload()));
            }
            return output;
        });
    }

    private List<OutgoingRecord> ingest(InboundMessage message) {
        ChannelSettings channel = channels.find(message.tenantId(), message.channelId())
                .orElseThrow(() -> new UnknownChannelException(message.tenantId(), message.channelId()));
        if (channel.type() != message.channel()) {
            throw new UnknownChannelException(message.tenantId(), message.channelId());
        }
        Optional<StoredMessage> stored = messages.findByProviderId(message.tenantId(), message.channelId(),
                message.providerMessageId());
        if (stored.isPresent()) {
            return announce(message, channel, stored.get());
        }
        List<ContactIdentifier> identifiers = new ArrayList<>();
        identifiers.add(message.sender());
        identifiers.addAll(message.otherIdentifiers());
        UUID contactId = contacts.resolve(message.tenantId(), identifiers, message.senderName());
        ContactIdentifier recipient = normaliser.normalise(message.sender());
        ThreadResult thread = threader.thread(message, channel, contactId, recipient);
        Optional<UUID> inserted = messages.insertInbound(message, thread.conversationId());
        if (inserted.isEmpty()) {
            // the same provider message twice in one batch: the first insert won
            return announce(message, channel, messages.findByProviderId(message.tenantId(), message.channelId(),
                    message.providerMessageId()).orElseThrow());
        }
        messages.touchConversation(message.tenantId(), thread.conversationId(), true);
        return announce(message, channel,
                new StoredMessage(inserted.get(), thread.conversationId(), contactId, thread.created()));
    }

    private List<OutgoingRecord> announce(InboundMessage message, ChannelSettings channel, StoredMessage stored) {
        Instant now = Instant.now();
        UUID contactId = stored.contactId();
        List<OutgoingRecord> output = new ArrayList<>(3);
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
        if (channel.aiAgentEnabled()) {
            output.add(OutgoingRecord.of(Topics.AI_REQUESTS, new AiRequest(
                    DeterministicIds.of("ai.request", stored.id()), message.tenantId(), now,
                    AiRequest.SCHEMA_VERSION, message.correlationId(), stored.conversationId(), stored.id(),
                    contactId, message.channel(), message.channelId(), message.text())));
        }
        return output;
    }

    private static String preview(String text) {
        if (text == null) {
            return null;
        }
        return text.length() <= PREVIEW_LENGTH ? text : text.substring(0, PREVIEW_LENGTH);
    }
}
