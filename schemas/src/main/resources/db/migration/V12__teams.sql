-- Teams of a tenant's users: a workflow can assign a conversation to a team, which picks its next member in turn.
CREATE TABLE teams (
    id         uuid PRIMARY KEY,
    tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, tenant_id)
);
CREATE UNIQUE INDEX teams_name ON teams (tenant_id, lower(name));

-- a member belongs to the team's tenant: both foreign keys carry the tenant
CREATE TABLE team_members (
    team_id   uuid NOT NULL,
    tenant_id uuid NOT NULL,
    user_id   uuid NOT NULL,
    position  integer NOT NULL,
    PRIMARY KEY (team_id, user_id),
    FOREIGN KEY (team_id, tenant_id) REFERENCES teams (id, tenant_id) ON DELETE CASCADE,
    FOREIGN KEY (user_id, tenant_id) REFERENCES users (id, tenant_id) ON DELETE CASCADE
);
