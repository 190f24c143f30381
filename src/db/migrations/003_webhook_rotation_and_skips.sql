-- After a rotation the previous secret keeps signing (beside the new one) until it expires.
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret_sealed text;
ALTER TABLE webhook_endpoints ADD COLUMN previous_secret_expires_at timestamptz;

-- A delivery to a paused endpoint is recorded as skipped, so a replay after resuming can send it.
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_status_check;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'succeeded', 'failed', 'skipped'));
