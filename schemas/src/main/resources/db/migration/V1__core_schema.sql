-- CustArea core schema: tenants, channels, contacts and their identifiers, conversations, messages, send ledger.
-- Every table carries tenant_id; child rows reference their parent by (id, tenant_id), so a row can never point
-- at another tenant's data even if application code got an id wrong.

CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE channels (
    id                uuid PRIMARY KEY,
    tenant_id         uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    type              text        NOT NULL CHECK (type IN ('api', 'email', 'whatsapp', 'sms', 'widget', 'voice')),
    name              text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- non-secret settings (callback URL, phone number, mailbox); secrets live in secret_ciphertext only
    config            jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- AES-256-GCM under the master key: base64(nonce || ciphertext || tag); never returned by the API
    secret_ciphertext text,
    ai_agent_enabled  boolean     NOT NULL DEFAULT false,
    enabled           boolean     NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, tenant_id)
);
CREATE INDEX channels_tenant ON channels (tenant_id);

CREATE TABLE contacts (
    id          uuid PRIMARY KEY,
    tenant_id   uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        text,
    attributes  jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, tenant_id)
);
CREATE INDEX contacts_tenant_created ON contacts (tenant_id, created_at DESC);

-- One (tenant, type, normalised value) names exactly one contact. The contact reference is deferred so the
-- identifier can be claimed first (INSERT ... ON CONFLICT DO NOTHING) and its contact inserted in the same
-- transaction: whoever wins the identifier creates the contact, so concurrent first messages make one contact.
CREATE TABLE contact_identifiers (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    type        text        NOT NULL CHECK (type IN ('phone', 'email', 'visitor', 'external')),
    value       text        NOT NULL CHECK (length(value) BETWEEN 1 AND 320),
    contact_id  uuid        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, type, value),
    FOREIGN KEY (contact_id, tenant_id) REFERENCES contacts (id, tenant_id) ON DELETE CASCADE
        DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX contact_identifiers_contact ON contact_identifiers (contact_id);

CREATE TABLE conversations (
    id                 uuid PRIMARY KEY,
    tenant_id          uuid        NOT NULL,
    contact_id         uuid        NOT NULL,
    channel_id         uuid        NOT NULL,
    channel            text        NOT NULL,
    -- 'default' for channels without threads; for e-mail, the id of the thread's first message
    thread_key         text        NOT NULL,
    provider_thread_id text,
    -- the contact's address on this channel, where replies go
    recipient_type     text        NOT NULL CHECK (recipient_type IN ('phone', 'email', 'visitor', 'external')),
    recipient_value    text        NOT NULL,
    status             text        NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'pending', 'snoozed', 'resolved')),
    subject            text,
    assignee_id        uuid,
    priority           text        NOT NULL DEFAULT 'none'
        CHECK (priority IN ('none', 'low', 'medium', 'high', 'urgent')),
    labels             text[]      NOT NULL DEFAULT '{}',
    snoozed_until      timestamptz,
    last_message_at    timestamptz NOT NULL DEFAULT now(),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, tenant_id),
    FOREIGN KEY (contact_id, tenant_id) REFERENCES contacts (id, tenant_id) ON DELETE CASCADE,
    FOREIGN KEY (channel_id, tenant_id) REFERENCES channels (id, tenant_id) ON DELETE CASCADE
);
-- At most one unresolved conversation per contact, channel and thread: threading is race-free too.
CREATE UNIQUE INDEX conversations_one_open_thread
    ON conversations (tenant_id, contact_id, channel_id, thread_key) WHERE status <> 'resolved';
CREATE INDEX conversations_tenant_activity ON conversations (tenant_id, last_message_at DESC, id DESC);
CREATE INDEX conversations_provider_thread
    ON conversations (tenant_id, channel_id, provider_thread_id) WHERE provider_thread_id IS NOT NULL;

CREATE TABLE messages (
    id                 uuid PRIMARY KEY,
    tenant_id          uuid        NOT NULL,
    conversation_id    uuid        NOT NULL,
    channel_id         uuid        NOT NULL,
    direction          text        NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    sender_type        text        NOT NULL CHECK (sender_type IN ('contact', 'agent', 'ai', 'system')),
    -- unique per tenant and channel: a provider retry or a Kafka redelivery never makes a second row
    provider_message_id text,
    subject            text,
    text               text,
    html               text,
    attachments        jsonb       NOT NULL DEFAULT '[]'::jsonb,
    metadata           jsonb       NOT NULL DEFAULT '{}'::jsonb,
    thread_references  text[]      NOT NULL DEFAULT '{}',
    private            boolean     NOT NULL DEFAULT false,
    status             text        NOT NULL
        CHECK (status IN ('received', 'queued', 'sent', 'delivered', 'failed', 'read')),
    error_code         text,
    error_message      text,
    source_event_id    uuid,
    correlation_id     text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    status_updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, tenant_id),
    FOREIGN KEY (conversation_id, tenant_id) REFERENCES conversations (id, tenant_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX messages_provider_message
    ON messages (tenant_id, channel_id, provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE UNIQUE INDEX messages_source_event ON messages (source_event_id) WHERE source_event_id IS NOT NULL;
CREATE INDEX messages_conversation_created ON messages (conversation_id, created_at, id);

-- The order of message states; a status update applies only when it raises the rank, and 'failed' is terminal.
CREATE FUNCTION message_status_rank(status text) RETURNS smallint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$
SELECT CASE status
           WHEN 'received' THEN 0
           WHEN 'queued' THEN 0
           WHEN 'sent' THEN 1
           WHEN 'delivered' THEN 2
           WHEN 'failed' THEN 2
           WHEN 'read' THEN 3
           END::smallint
$$;

-- One row per outbound message, written before and after the provider call: a record redelivered after a crash
-- finds 'sent' and is skipped; 'in_flight' means the outcome of the last call is unknown.
CREATE TABLE send_ledger (
    message_id          uuid PRIMARY KEY,
    tenant_id           uuid        NOT NULL,
    channel             text        NOT NULL,
    state               text        NOT NULL CHECK (state IN ('in_flight', 'sent', 'retryable', 'failed')),
    attempts            integer     NOT NULL DEFAULT 0,
    provider_message_id text,
    last_error          text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (message_id, tenant_id) REFERENCES messages (id, tenant_id) ON DELETE CASCADE
);
CREATE INDEX send_ledger_state ON send_ledger (state) WHERE state <> 'sent';
