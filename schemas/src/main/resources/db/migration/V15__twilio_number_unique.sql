-- A Twilio number or messaging service belongs to one enabled WhatsApp (or SMS) channel: webhooks find the tenant by
-- it, so a second channel on the same address would either never receive or receive another tenant's messages.
-- WhatsApp and SMS are separate channels and may share a number; a disabled channel keeps its settings unchecked.

-- Until now the oldest channel on an address received everything; the newer ones on the same address are disabled
-- (their admins see enabled = false and can pick another number), so the unique indexes below can be built.
DO $$
DECLARE
    duplicate record;
BEGIN
    FOR duplicate IN
        SELECT id, tenant_id, type, setting, address
        FROM (SELECT c.id, c.tenant_id, c.type, s.setting, c.config ->> s.setting AS address,
                     row_number() OVER (PARTITION BY c.type, s.setting, c.config ->> s.setting
                                        ORDER BY c.created_at, c.id) AS position
              FROM channels c
                       CROSS JOIN (VALUES ('phoneNumber'), ('messagingServiceSid')) AS s(setting)
              WHERE c.type IN ('whatsapp', 'sms') AND c.enabled AND c.config ? s.setting) ranked
        WHERE position > 1
    LOOP
        UPDATE channels SET enabled = false, updated_at = now() WHERE id = duplicate.id;
        RAISE WARNING 'channel % of tenant % (%) disabled: its % % belongs to an older channel',
            duplicate.id, duplicate.tenant_id, duplicate.type, duplicate.setting, duplicate.address;
    END LOOP;
END
$$;

CREATE UNIQUE INDEX channels_twilio_phone_number_unique ON channels (type, (config ->> 'phoneNumber'))
    WHERE type IN ('whatsapp', 'sms') AND enabled AND config ? 'phoneNumber';
CREATE UNIQUE INDEX channels_twilio_messaging_service_unique ON channels (type, (config ->> 'messagingServiceSid'))
    WHERE type IN ('whatsapp', 'sms') AND enabled AND config ? 'messagingServiceSid';
