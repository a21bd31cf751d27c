-- AI agents: what each answers with and where (the seed's ai-agent module). Their knowledge bases are in MongoDB.
CREATE TABLE ai_agents (
    id               uuid PRIMARY KEY,
    tenant_id        uuid         NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name             text         NOT NULL,
    instructions     text         NOT NULL DEFAULT '',
    -- 'offline' (the built-in answer engine) or a chat model's name when an OpenAI key is configured
    model            text         NOT NULL DEFAULT 'offline',
    temperature      numeric(3, 2) NOT NULL DEFAULT 0.2 CHECK (temperature BETWEEN 0 AND 2),
    -- the channels it answers on; an empty list: every channel of the tenant where the agent is switched on
    channel_ids      uuid[]       NOT NULL DEFAULT '{}',
    -- {"timezone": "Europe/Paris", "days": {"mon": ["09:00", "17:00"], ...}}; null: always
    business_hours   jsonb,
    -- {"keywords": ["lawyer", "complaint"], "outsideHoursMessage": "..."}
    handoff_rules    jsonb        NOT NULL DEFAULT '{}',
    enabled_tools    text[]       NOT NULL DEFAULT '{}',
    -- the least similarity (cosine, 0..1) of the best passage for the offline engine to answer with it
    answer_threshold numeric(4, 3) NOT NULL DEFAULT 0.45 CHECK (answer_threshold BETWEEN 0 AND 1),
    created_at       timestamptz  NOT NULL DEFAULT now(),
    updated_at       timestamptz  NOT NULL DEFAULT now(),
    UNIQUE (id, tenant_id)
);
CREATE INDEX ai_agents_tenant ON ai_agents (tenant_id, created_at);
