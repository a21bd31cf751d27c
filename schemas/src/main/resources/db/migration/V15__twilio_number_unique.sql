-- A Twilio number or messaging service belongs to one enabled WhatsApp (or SMS) channel: webhooks find the tenant by
-- it, so a second channel on the same address would either never receive or receive another tenant's messages.
-- WhatsApp and SMS are separate channels and may share a number; a disabled channel keeps its settings unchecked.

-- Until now the oldest channel on an address received everything; the newer ones on the same address are disabled
-- (their admins see enabled = false and can pick another number), so the unique indexes below can be built.
-- Messaging services go first, since inbound finds a channel by its service before its number; the numbers are then
-- ranked among the channels still enabled, a channel in a service ahead of one without (it is the one that received
-- the service's messages). A setting that is JSON null is no address (->> gives SQL NULL, as the indexes see it).
DO $$
DECLARE
    duplicate record;
BEGIN
    FOR duplicate IN
        SELECT id, tenant_id, type, address
        FROM (SELECT c.id, c.tenant_id, c.type, c.config ->> 'messagingServiceSid' AS address,
                     row_number() OVER (PARTITION BY c.type, c.config ->> 'messagingServiceSid'
                                        ORDER BY c.created_at, c.id) AS position
              FROM channels c
              WHERE c.type IN ('whatsapp', 'sms') AND c.enabled
                AND c.config ->> 'messagingServiceSid' IS NOT NULL) ranked
        WHERE position > 1
    LOOP
        UPDATE channels SET enabled = false, updated_at = now() WHERE id = duplicate.id;
        RAISE WARNING 'channel % of tenant % (%) disabled: its messagingServiceSid % belongs to an older channel',
            duplicate.id, duplicate.tenant_id, duplicate.type, duplicate.address;
    END LOOP;
    FOR duplicate IN
        SELECT id, tenant_id, type, address
        FROM (SELECT c.id, c.tenant_id, c.type, c.config ->> 'phoneNumber' AS address,
                     row_number() OVER (PARTITION BY c.type, c.config ->> 'phoneNumber'
                                        ORDER BY (c.config ->> 'messagingServiceSid' IS NULL), c.created_at, c.id)
                         AS position
              FROM channels c
              WHERE c.type IN ('whatsapp', 'sms') AND c.enabled AND c.config ->> 'phoneNumber' IS NOT NULL) ranked
        WHERE position > 1
    LOOP
        UPDATE channels SET enabled = false, updated_at = now() WHERE id = duplicate.id;
        RAISE WARNING 'channel % of tenant % (%) disabled: its phoneNumber % belongs to another channel',
            duplicate.id, duplicate.tenant_id, duplicate.type, duplicate.address;
    END LOOP;
END
$$;

CREATE UNIQUE INDEX channels_twilio_phone_number_unique ON channels (type, (config ->> 'phoneNumber'))
    WHERE type IN ('whatsapp', 'sms') AND enabled AND config ? 'phoneNumber';
CREATE UNIQUE INDEX channels_twilio_messaging_service_unique ON channels (type, (config ->> 'messagingServiceSid'))
    WHERE type IN ('whatsapp', 'sms') AND enabled AND config ? 'messagingServiceSid';
