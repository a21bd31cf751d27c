-- The dashboard: users and their sessions, one-time codes, tickets, leads, contact notes and merges, CSV imports,
-- feature flags, and who wrote a message.

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    tenant_id     uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email         text        NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 320),
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- bcrypt; null for users who sign in only with one-time codes (invited agents)
    password_hash text,
    role          text        NOT NULL CHECK (role IN ('admin', 'agent')),
    disabled      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, tenant_id)
);
-- one account per e-mail address: signing in names the address, not the tenant
CREATE UNIQUE INDEX users_email ON users (email);
CREATE INDEX users_tenant ON users (tenant_id);

-- Refresh tokens are stored as SHA-256 hashes; a family is one sign-in, rotated on every use. Presenting a token
-- that was already rotated revokes its whole family (it was stolen, or replayed).
CREATE TABLE refresh_tokens (
    id           uuid PRIMARY KEY,
    user_id      uuid        NOT NULL,
    tenant_id    uuid        NOT NULL,
    family_id    uuid        NOT NULL,
    token_hash   text        NOT NULL UNIQUE,
    expires_at   timestamptz NOT NULL,
    rotated_at   timestamptz,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (user_id, tenant_id) REFERENCES users (id, tenant_id) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

-- One-time sign-in codes, stored hashed; single use, short-lived, a bounded number of guesses.
CREATE TABLE otp_codes (
    id          uuid PRIMARY KEY,
    email       text        NOT NULL,
    code_hash   text        NOT NULL,
    expires_at  timestamptz NOT NULL,
    attempts    integer     NOT NULL DEFAULT 0,
    consumed_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX otp_codes_email ON otp_codes (email, created_at DESC);

ALTER TABLE messages ADD COLUMN author_id uuid;

CREATE TABLE contact_notes (
    id          uuid PRIMARY KEY,
    tenant_id   uuid        NOT NULL,
    contact_id  uuid        NOT NULL,
    author_id   uuid,
    body        text        NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (contact_id, tenant_id) REFERENCES contacts (id, tenant_id) ON DELETE CASCADE
);
CREATE INDEX contact_notes_contact ON contact_notes (contact_id, created_at);

-- The audit of merges: who merged which contact into which, and what moved.
CREATE TABLE contact_merges (
    id                   uuid PRIMARY KEY,
    tenant_id            uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    primary_contact_id   uuid        NOT NULL,
    merged_contact_id    uuid        NOT NULL,
    actor_id             uuid,
    forced               boolean     NOT NULL,
    identifiers_moved    integer     NOT NULL,
    conversations_moved  integer     NOT NULL,
    notes_moved          integer     NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE import_jobs (
    id          uuid PRIMARY KEY,
    tenant_id   uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind        text        NOT NULL CHECK (kind IN ('contacts')),
    status      text        NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    total_rows  integer     NOT NULL DEFAULT 0,
    processed   integer     NOT NULL DEFAULT 0,
    succeeded   integer     NOT NULL DEFAULT 0,
    failed      integer     NOT NULL DEFAULT 0,
    errors      jsonb       NOT NULL DEFAULT '[]'::jsonb,
    created_by  uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    UNIQUE (id, tenant_id)
);

CREATE TABLE tickets (
    id              uuid PRIMARY KEY,
    tenant_id       uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    conversation_id uuid,
    contact_id      uuid,
    subject         text        NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),
    description     text,
    status          text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
    priority        text        NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    assignee_id     uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, tenant_id),
    FOREIGN KEY (conversation_id, tenant_id) REFERENCES conversations (id, tenant_id) ON DELETE SET NULL (conversation_id),
    FOREIGN KEY (contact_id, tenant_id) REFERENCES contacts (id, tenant_id) ON DELETE SET NULL (contact_id),
    FOREIGN KEY (assignee_id, tenant_id) REFERENCES users (id, tenant_id) ON DELETE SET NULL (assignee_id)
);
CREATE INDEX tickets_tenant_updated ON tickets (tenant_id, updated_at DESC, id DESC);

CREATE TABLE leads (
    id          uuid PRIMARY KEY,
    tenant_id   uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email       text,
    phone       text,
    company     text,
    status      text        NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'contacted', 'qualified', 'converted', 'lost')),
    contact_id  uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, tenant_id),
    FOREIGN KEY (contact_id, tenant_id) REFERENCES contacts (id, tenant_id) ON DELETE SET NULL (contact_id)
);
CREATE INDEX leads_tenant_updated ON leads (tenant_id, updated_at DESC, id DESC);

CREATE TABLE feature_flags (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key        text        NOT NULL CHECK (key ~ '^[a-z][a-z0-9_.-]{0,63}$'),
    enabled    boolean     NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);

-- an assignee must be a user of the conversation's tenant
ALTER TABLE conversations
    ADD CONSTRAINT conversations_assignee FOREIGN KEY (assignee_id, tenant_id) REFERENCES users (id, tenant_id)
        ON DELETE SET NULL (assignee_id);
CREATE INDEX conversations_tenant_contact ON conversations (tenant_id, contact_id);
CREATE INDEX contacts_tenant_name ON contacts (tenant_id, lower(name));
CREATE INDEX contact_identifiers_tenant_value ON contact_identifiers (tenant_id, value);

-- Outbound mail of channels (and system mail) while no provider is configured: recorded and visible, never dropped.
CREATE TABLE sandbox_outbox (
    message_id  uuid PRIMARY KEY,
    tenant_id   uuid,
    channel     text        NOT NULL,
    recipient   text        NOT NULL,
    subject     text,
    text        text,
    metadata    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sandbox_outbox_recipient ON sandbox_outbox (recipient, created_at DESC);
