-- E-mail accounts: a channel of type email that sends and receives through a provider (SES, Gmail, Outlook), with
-- its address and the state of its mailbox (authorisation, sync cursor, push subscription). An e-mail channel
-- without a row here is a sandbox: its mail is recorded, not sent.
CREATE TABLE email_accounts (
    channel_id       uuid PRIMARY KEY,
    tenant_id        uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    provider         text        NOT NULL CHECK (provider IN ('ses', 'gmail', 'outlook')),
    -- lower-case; one account per provider and address, so inbound mail finds exactly one tenant
    address          text        NOT NULL CHECK (address = lower(address) AND length(address) BETWEEN 3 AND 320),
    display_name     text        CHECK (length(display_name) <= 200),
    signature        text        CHECK (length(signature) <= 10000),
    -- needs_reauth: the provider refused the grant (revoked, expired); nothing is sent or read until re-authorised
    status           text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_reauth')),
    status_reason    text,
    -- Gmail: the last history id read; Outlook: the inbox's delta link
    sync_cursor      text,
    last_synced_at   timestamptz,
    -- Outlook: the Graph subscription and its clientState (sealed); Gmail: the watch's expiry
    watch_id         text,
    watch_secret     text,
    watch_expires_at timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (channel_id, tenant_id) REFERENCES channels (id, tenant_id) ON DELETE CASCADE,
    UNIQUE (provider, address)
);
CREATE INDEX email_accounts_tenant ON email_accounts (tenant_id);
CREATE INDEX email_accounts_watch ON email_accounts (watch_id) WHERE watch_id IS NOT NULL;

-- OAuth consents under way: the state's hash (the state itself is never stored), who asked, and the PKCE
-- verifier (sealed); consumed once by the callback.
CREATE TABLE email_oauth_states (
    state_hash    text PRIMARY KEY,
    tenant_id     uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id       uuid        NOT NULL,
    provider      text        NOT NULL CHECK (provider IN ('gmail', 'outlook')),
    code_verifier text        NOT NULL,
    expires_at    timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_oauth_states_expiry ON email_oauth_states (expires_at);

-- Replies to mail SES sent name SES's Message-ID (its message id), and SES's bounce and delivery notifications name
-- it too: both find our message through the send ledger.
CREATE INDEX send_ledger_provider_message ON send_ledger (provider_message_id) WHERE provider_message_id IS NOT NULL;
