-- A replayed webhook delivery starts its retries over (attempts), but its log goes on: every attempt is numbered
-- by total_attempts, which a replay never resets. Deliveries attempted before count what their log already holds.
ALTER TABLE webhook_deliveries ADD COLUMN total_attempts integer NOT NULL DEFAULT 0;
UPDATE webhook_deliveries d SET total_attempts = GREATEST(d.attempts, logged.attempt)
FROM (SELECT delivery_id, max(attempt) AS attempt FROM webhook_attempts GROUP BY delivery_id) logged
WHERE logged.delivery_id = d.id;

-- What a workflow step published (topic, key, value and headers of each record), kept with the step in its
-- transaction, so a redelivered trigger publishes exactly these again; NULL for steps done before this column.
ALTER TABLE workflow_run_steps ADD COLUMN records jsonb;
