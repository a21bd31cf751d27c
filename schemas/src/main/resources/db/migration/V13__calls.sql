-- Phone calls: one row per call (inbound, or placed through POST /api/phone/calls), kept up to date from
-- calls.events by the call recorder; the transcript is the conversation's messages that carry the call's id.
CREATE TABLE calls (
    id               uuid PRIMARY KEY,
    tenant_id        uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    channel_id       uuid        NOT NULL,
    conversation_id  uuid,
    contact_id       uuid,
    call_sid         text        NOT NULL,
    direction        text        NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    mode             text        NOT NULL CHECK (mode IN ('legacy', 'realtime', 'convrelay')),
    from_number      text,
    to_number        text,
    status           text        NOT NULL CHECK (status IN ('queued', 'in_progress', 'ended')),
    end_reason       text,
    duration_seconds integer,
    started_at       timestamptz,
    ended_at         timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, tenant_id),
    UNIQUE (tenant_id, call_sid)
);
CREATE INDEX calls_conversation ON calls (tenant_id, conversation_id);
