-- The site's custom attributes of an unverified visitor who gave an e-mail or once proved an identity stay on the
-- visitor: the contact such a visitor reaches may be someone else's (an address anyone can type).
ALTER TABLE widget_visitors ADD COLUMN IF NOT EXISTS attributes jsonb NOT NULL DEFAULT '{}';

-- Anonymous visitors now write and read in threads of their own (provider thread widget-visitor:<visitor id>); their
-- conversations from before had none, so their history would look empty and their next message open a second
-- conversation. A widget conversation without a thread whose contact has exactly one visitor, of that widget, and no
-- verified user (widget-user:…) was that visitor's: it joins the visitor's thread. Its thread key follows (how the
-- threader keys an open conversation of that thread) unless a newer open conversation of that thread already holds
-- the key. Only the threader's conversations (key default) move, never one an agent started (manual:<id>): at most
-- one open conversation of a contact and channel has the default key, so no two open ones can end up with the same
-- key (conversations_one_open_thread), and the visitor's next message has one conversation to continue. Running this
-- again changes nothing.
UPDATE conversations c
SET provider_thread_id = 'widget-visitor:' || v.id,
    thread_key = CASE
        WHEN c.status = 'resolved' OR NOT EXISTS (
            SELECT 1 FROM conversations o
            WHERE o.tenant_id = c.tenant_id AND o.contact_id = c.contact_id AND o.channel_id = c.channel_id
              AND o.thread_key = 'widget-visitor:' || v.id AND o.status <> 'resolved')
        THEN 'widget-visitor:' || v.id
        ELSE c.thread_key END
FROM contact_identifiers ci
JOIN widget_visitors v ON v.tenant_id = ci.tenant_id AND v.id::text = ci.value
WHERE c.channel = 'widget' AND c.provider_thread_id IS NULL AND c.thread_key = 'default'
  AND ci.tenant_id = c.tenant_id AND ci.contact_id = c.contact_id AND ci.type = 'visitor'
  AND v.channel_id = c.channel_id
  AND (SELECT count(*) FROM contact_identifiers other
       WHERE other.tenant_id = c.tenant_id AND other.contact_id = c.contact_id AND other.type = 'visitor') = 1
  AND NOT EXISTS (SELECT 1 FROM contact_identifiers verified
                  WHERE verified.tenant_id = c.tenant_id AND verified.contact_id = c.contact_id
                    AND verified.type = 'external' AND verified.value LIKE 'widget-user:%');
