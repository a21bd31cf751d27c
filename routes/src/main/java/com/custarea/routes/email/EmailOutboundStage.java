package com.custarea.routes.email;

import java.util.ArrayList;
import java.util.List;

import com.custarea.routes.support.BatchStage;
import com.custarea.routes.support.DeliveryReports;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.routes.support.SendLedger;
import com.custarea.routes.support.SendOutcome;
import com.custarea.routes.support.StageRecord;
import com.custarea.schemas.Channel;
import com.custarea.schemas.OutboundMessage;
import com.custarea.schemas.TopicSpec;
import com.custarea.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * outbound.email while no e-mail provider is configured: every message goes to the {@link SandboxOutbox} (and the
 * log), conversation messages through the send ledger and reported sent, so the pipeline and the dashboard behave
 * as with a provider. The e-mail providers (SES, Gmail, Outlook) come with their own issue.
 */
@Service
public class EmailOutboundStage implements BatchStage<OutboundMessage> {

    public static final String STAGE = "outbound-email";
    private static final Logger LOG = LoggerFactory.getLogger(EmailOutboundStage.class);

    private final SandboxOutbox sandbox;
    private final SendLedger ledger;
    private final TransactionTemplate transaction;

    public EmailOutboundStage(SandboxOutbox sandbox, SendLedger ledger, TransactionTemplate transaction) {
        this.sandbox = sandbox;
        this.ledger = ledger;
        this.transaction = transaction;
    }

    @Override
    public TopicSpec<OutboundMessage> input() {
        return Topics.outbound(Channel.EMAIL);
    }

    @Override
    public List<OutgoingRecord> process(List<StageRecord<OutboundMessage>> batch) {
        List<OutboundMessage> system = new ArrayList<>();
        List<OutboundMessage> conversational = new ArrayList<>();
        for (StageRecord<OutboundMessage> record : batch) {
            (record.payload().isSystem() ? system : conversational).add(record.payload());
        }
        List<OutgoingRecord> output = new ArrayList<>();
        transaction.executeWithoutResult(tx -> {
            List<OutboundMessage> claimed = ledger.claim(conversational.stream().distinct().toList(),
                            SendLedger.UnknownOutcome.RESEND).stream()
                    .filter(claim -> claim.state() == SendLedger.ClaimState.CLAIMED)
                    .map(SendLedger.Claim::message).toList();
            sandbox.record(system);
            List<SendOutcome> outcomes = sandbox.deliver(claimed);
            ledger.recordAll(outcomes);
            for (int i = 0; i < claimed.size(); i++) {
                output.add(DeliveryReports.of(claimed.get(i), outcomes.get(i)));
            }
        });
        for (OutboundMessage message : system) {
            // the sandbox's whole point is that a person can read what would have been sent (sign-in codes too)
            LOG.info("Sandbox e-mail (no provider configured) to {}: {} | {}", message.recipient().value(),
                    message.subject(), message.text());
        }
        return output;
    }
}
