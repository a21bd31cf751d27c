-- Outbound messages whose provider is failing (a transient error after the in-place retries, or its circuit open):
-- kept here and published again once due, never sooner than the provider's Retry-After.
CREATE TABLE parked_sends (
    message_id      uuid PRIMARY KEY,
    tenant_id       uuid        NOT NULL,
    channel         text        NOT NULL,
    payload         text        NOT NULL,
    reason          text,
    parkings        integer     NOT NULL DEFAULT 1,
    first_parked_at timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL,
    locked_until    timestamptz
);
CREATE INDEX parked_sends_due ON parked_sends (next_attempt_at);
