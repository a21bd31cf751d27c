package com.custarea.routes.email;

import java.util.ArrayList;
import java.util.List;

import com.custarea.routes.support.BatchStage;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.Channel;
import com.custarea.schemas.OutboundMessage;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * outbound.email: conversation e-mails go out through their account's provider ({@link EmailOutboundSender}); system
 * mail (sign-in codes, invitations) goes to the {@link SandboxOutbox} and the log, since the platform has no mailbox
 * of its own.
 */
@Service
public class EmailOutboundStage implements BatchStage<OutboundMessage> {

    public static final String STAGE = "outbound-email";
    private static final Logger LOG = LoggerFactory.getLogger(EmailOutboundStage.class);

    private final SandboxOutbox sandbox;
    private final EmailOutboundSender sender;

    public EmailOutboundStage(SandboxOutbox sandbox, EmailOutboundSender sender) {
        this.sandbox = sandbox;
        this.sender = sender;
    }

    @Override
    public TopicSpec<OutboundMessage> input() {
        return Topics.outbound(Channel.EMAIL);
    }

    @Override
    public List<OutgoingRecord> process(List<StageRecord<OutboundMessage>> batch) {
        List<OutboundMessage> system = new ArrayList<>();
        List<StageRecord<OutboundMessage>> conversational = new ArrayList<>();
        for (StageRecord<OutboundMessage> record : batch) {
            if (record.payload().isSystem()) {
                system.add(record.payload());
            } else {
                conversational.add(record);
            }
        }
        sandbox.record(system);
        for (OutboundMessage message : system) {
            // the sandbox's whole point is that a person can read what would have been sent (sign-in codes too)
            LOG.info("Sandbox e-mail (no provider configured) to {}: {} | {}", message.recipient().value(),
                    message.subject(), message.text());
        }
        return conversational.isEmpty() ? List.of() : sender.send(conversational, STAGE);
    }
}
