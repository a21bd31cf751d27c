-- Visitors of the chat widget: a browser session, with what they proved (user_id, from an identity hash) or told
-- (name, e-mail) about themselves, and where they were seen.
CREATE TABLE widget_visitors (
    id          uuid PRIMARY KEY,
    tenant_id   uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    channel_id  uuid        NOT NULL,
    user_id     text,
    name        text,
    email       text,
    page_url    text,
    referrer    text,
    user_agent  text,
    first_seen  timestamptz NOT NULL DEFAULT now(),
    last_seen   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (channel_id, tenant_id) REFERENCES channels (id, tenant_id) ON DELETE CASCADE
);
CREATE INDEX widget_visitors_channel ON widget_visitors (tenant_id, channel_id, last_seen);
