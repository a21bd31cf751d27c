-- Workflows: a tenant's automation rules, versioned; their runs, steps and persisted timers.
CREATE TABLE workflows (
    id                 uuid PRIMARY KEY,
    tenant_id          uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name               text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    enabled            boolean     NOT NULL DEFAULT true,
    version            integer     NOT NULL DEFAULT 1,
    trigger_type       text        NOT NULL,
    definition         jsonb       NOT NULL,
    -- the next position in a round-robin assignment
    round_robin_cursor bigint      NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, tenant_id)
);
CREATE INDEX workflows_tenant_trigger ON workflows (tenant_id, trigger_type) WHERE enabled;

CREATE TABLE workflow_versions (
    workflow_id uuid        NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    version     integer     NOT NULL,
    definition  jsonb       NOT NULL,
    created_by  uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workflow_id, version)
);

CREATE TABLE workflow_runs (
    id               uuid PRIMARY KEY,
    tenant_id        uuid        NOT NULL,
    workflow_id      uuid        NOT NULL,
    workflow_version integer     NOT NULL,
    trigger_type     text        NOT NULL,
    trigger_event_id uuid        NOT NULL,
    conversation_id  uuid,
    contact_id       uuid,
    message_id       uuid,
    status           text        NOT NULL CHECK (status IN ('running', 'waiting', 'completed', 'skipped', 'failed')),
    detail           text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workflow_id, tenant_id) REFERENCES workflows (id, tenant_id) ON DELETE CASCADE
);
CREATE INDEX workflow_runs_workflow ON workflow_runs (tenant_id, workflow_id, created_at DESC, id DESC);

-- one row per action of a run: what it did; an action that has a row is never done again
CREATE TABLE workflow_run_steps (
    run_id      uuid        NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
    step        integer     NOT NULL,
    action      text        NOT NULL,
    status      text        NOT NULL CHECK (status IN ('done', 'failed', 'waiting')),
    result      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    executed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, step)
);

-- waits and "no reply within N minutes": persisted, fired by whichever instance claims them once due
CREATE TABLE workflow_timers (
    id           uuid PRIMARY KEY,
    tenant_id    uuid        NOT NULL,
    workflow_id  uuid        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('resume', 'no_reply')),
    run_id       uuid REFERENCES workflow_runs (id) ON DELETE CASCADE,
    resume_step  integer,
    trigger      jsonb       NOT NULL,
    due_at       timestamptz NOT NULL,
    locked_until timestamptz,
    fired_at     timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (workflow_id, tenant_id) REFERENCES workflows (id, tenant_id) ON DELETE CASCADE
);
CREATE INDEX workflow_timers_due ON workflow_timers (due_at) WHERE fired_at IS NULL;

-- the AI agent stays silent on a conversation handed to the humans
ALTER TABLE conversations ADD COLUMN ai_paused boolean NOT NULL DEFAULT false;

-- Outbound webhooks: tenants' subscriptions, and one delivery per event and subscription (retried until delivered
-- or dead), with every attempt logged.
CREATE TABLE webhook_subscriptions (
    id                uuid PRIMARY KEY,
    tenant_id         uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    url               text        NOT NULL CHECK (length(url) BETWEEN 10 AND 2000),
    event_types       text[]      NOT NULL CHECK (cardinality(event_types) > 0),
    description       text,
    secret_ciphertext text        NOT NULL,
    enabled           boolean     NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, tenant_id)
);
CREATE INDEX webhook_subscriptions_tenant ON webhook_subscriptions (tenant_id);

CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY,
    tenant_id        uuid        NOT NULL,
    subscription_id  uuid        NOT NULL,
    event_id         uuid        NOT NULL,
    event_type       text        NOT NULL,
    body             text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    locked_until     timestamptz,
    last_status_code integer,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (subscription_id, tenant_id) REFERENCES webhook_subscriptions (id, tenant_id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (tenant_id, subscription_id, created_at DESC, id DESC);

CREATE TABLE webhook_attempts (
    delivery_id  uuid        NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt      integer     NOT NULL,
    status_code  integer,
    error        text,
    latency_ms   integer     NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (delivery_id, attempt)
);
