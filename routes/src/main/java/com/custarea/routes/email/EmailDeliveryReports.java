package com.custarea.routes.email;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.custarea.routes.support.DeterministicIds;
import com.custarea.routes.support.EventPublisher;
import com.custarea.routes.support.OutgoingRecord;
import com.custarea.schemas.Channel;
import com.custarea.schemas.DeliveryStatus;
import com.custarea.schemas.MessageStatus;
import com.custarea.schemas.Topics;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * What providers say became of mail we sent (SES bounce, complaint and delivery notifications; bounce mails in a
 * Gmail or Outlook inbox) as delivery.status records of the message it concerns: they update its status and never
 * open a conversation. Mail we did not send is ignored.
 */
@Service
public class EmailDeliveryReports {

    private final NamedParameterJdbcTemplate jdbc;
    private final EventPublisher publisher;
    private final DeliveryStatusNotifications notifications;

    public EmailDeliveryReports(NamedParameterJdbcTemplate jdbc, EventPublisher publisher,
                                DeliveryStatusNotifications notifications) {
        this.jdbc = jdbc;
        this.publisher = publisher;
        this.notifications = notifications;
    }

    /**
     * Whether {@code raw}, arrived in {@code account}'s mailbox, is a delivery status notification; if it reports
     * that one of the account's mails failed, that mail is reported failed. Such mail is not a customer's message.
     */
    public boolean reportIfDeliveryNotification(EmailAccount account, byte[] raw) {
        if (!notifications.isReport(raw)) {
            return false;
        }
        notifications.read(raw).filter(DeliveryStatusNotifications.Bounce::failed).ifPresent(bounce ->
                byMessageId(account, bounce.originalMessageId()).ifPresent(mail ->
                        report(mail, "bounce", MessageStatus.FAILED, "bounced", bounce.diagnostic())));
        return true;
    }

    /** Our message SES sent as {@code sesMessageId}. */
    public Optional<SentMail> bySesId(String sesMessageId) {
        return jdbc.query("""
                SELECT l.tenant_id, l.message_id FROM send_ledger l
                WHERE l.provider_message_id = :id AND l.channel = :channel
                """, Map.of("id", sesMessageId, "channel", Channel.EMAIL.wireName()), (row, i) -> new SentMail(row.getObject("tenant_id", UUID.class),
                row.getObject("message_id", UUID.class))).stream().findFirst();
    }

    /** Our message of {@code account} whose Message-ID is {@code rfcMessageId}. */
    public Optional<SentMail> byMessageId(EmailAccount account, String rfcMessageId) {
        return jdbc.query("""
                SELECT tenant_id, id FROM messages
                WHERE tenant_id = :tenantId AND channel_id = :channelId AND provider_message_id = :id
                  AND direction = 'outbound'
                """, new MapSqlParameterSource().addValue("tenantId", account.tenantId())
                .addValue("channelId", account.channelId()).addValue("id", rfcMessageId),
                (row, i) -> new SentMail(row.getObject("tenant_id", UUID.class), row.getObject("id", UUID.class)))
                .stream().findFirst();
    }

    /** Reports {@code status} of {@code mail}; {@code kind} keeps reports of different kinds apart. */
    public void report(SentMail mail, String kind, MessageStatus status, String errorCode, String errorMessage) {
        DeliveryStatus report = new DeliveryStatus(DeterministicIds.of("email.status:" + kind, mail.messageId()),
                mail.tenantId(), Instant.now(), DeliveryStatus.SCHEMA_VERSION, "email-" + kind, mail.messageId(),
                Channel.EMAIL, status, null, errorCode, errorMessage);
        publisher.publish(List.of(OutgoingRecord.of(Topics.DELIVERY_STATUS, report)));
    }

    /** One of our sent mails. */
    public record SentMail(UUID tenantId, UUID messageId) {
    }
}
