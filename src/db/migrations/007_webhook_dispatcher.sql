-- First attempts are made by the worker's dispatcher straight from these rows; a delivery moves to a
-- delivery workflow (in_workflow) for its retries, or for a replay. Rows from before were all in workflows.
ALTER TABLE webhook_deliveries ADD COLUMN in_workflow boolean NOT NULL DEFAULT true;
ALTER TABLE webhook_deliveries ALTER COLUMN in_workflow SET DEFAULT false;
-- A dispatcher's hold on a delivery it is sending: past it, another dispatcher may take it over.
ALTER TABLE webhook_deliveries ADD COLUMN claimed_until timestamptz;
CREATE INDEX webhook_deliveries_to_dispatch ON webhook_deliveries (created_at, id) WHERE status = 'pending' AND NOT in_workflow;
