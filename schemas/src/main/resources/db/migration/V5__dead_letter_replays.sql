-- Dead letters replayed through the ops API: one row per dead-letter record, so replaying twice publishes once.
CREATE TABLE dlq_replays (
    dlq_topic   text        NOT NULL,
    partition   integer     NOT NULL,
    "offset"    bigint      NOT NULL,
    tenant_id   uuid        NOT NULL,
    replayed_by uuid,
    replayed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dlq_topic, partition, "offset")
);
