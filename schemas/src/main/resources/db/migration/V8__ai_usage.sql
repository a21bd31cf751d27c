-- What each tenant's AI agents used of a chat model per day, against the per-tenant budgets.
CREATE TABLE ai_usage (
    tenant_id uuid   NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    day       date   NOT NULL,
    requests  integer NOT NULL DEFAULT 0,
    tokens    bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day)
);
