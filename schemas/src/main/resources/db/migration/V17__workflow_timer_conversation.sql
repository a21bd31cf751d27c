-- every inbound message of a tenant with a "no reply" workflow looks for that conversation's running clock
-- (WorkflowEngine.scheduleNoReply): without this index that is a scan of every unfired timer of the workflow
CREATE INDEX workflow_timers_no_reply_conversation
    ON workflow_timers (workflow_id, (trigger ->> 'conversationId'))
    WHERE kind = 'no_reply' AND fired_at IS NULL;
