-- Deleting an endpoint marks it deleted instead of removing it, so its deliveries and their attempts stay
-- (a hard delete cascaded them away, also from under a first attempt being sent).
ALTER TABLE webhook_endpoints DROP CONSTRAINT webhook_endpoints_status_check;
ALTER TABLE webhook_endpoints ADD CONSTRAINT webhook_endpoints_status_check CHECK (status IN ('active', 'paused', 'disabled', 'deleted'));
-- Operational events (endpoint.disabled, message.attempt.exhausted) go through the outbox too, with no action.
ALTER TABLE outbox_events ALTER COLUMN action_id DROP NOT NULL;
