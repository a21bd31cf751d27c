-- Media that arrived with messages (WhatsApp/SMS attachments), fetched from the provider and kept by CustArea.
CREATE TABLE media (
    id            uuid PRIMARY KEY,
    tenant_id     uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- the channel whose credentials fetch the file from source_url
    channel_id    uuid        NOT NULL,
    -- stored: the file is under the media folder (storage_key); pending: not fetched yet (the provider was slow or
    -- down), fetched on first access; too_large: over the size limit, only the provider has it
    status        text        NOT NULL CHECK (status IN ('stored', 'pending', 'too_large')),
    content_type  text        NOT NULL,
    size_bytes    bigint,
    filename      text,
    storage_key   text,
    source_url    text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (channel_id, tenant_id) REFERENCES channels (id, tenant_id) ON DELETE CASCADE
);
CREATE INDEX media_tenant ON media (tenant_id);

-- channels are found by their address (a Twilio number, a messaging service) when a provider calls
CREATE INDEX channels_phone_number ON channels ((config ->> 'phoneNumber')) WHERE config ? 'phoneNumber';
CREATE INDEX channels_messaging_service ON channels ((config ->> 'messagingServiceSid'))
    WHERE config ? 'messagingServiceSid';
