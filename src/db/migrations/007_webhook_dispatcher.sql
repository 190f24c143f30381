-- First attempts are made by the worker's dispatcher straight from these rows; a delivery moves to a
-- delivery workflow (in_workflow) for its retries, or for a replay. The default stays true, so rows written
-- by processes of the previous version during a rollout stay with the workflows those processes start;
-- the dispatcher's writers set false themselves.
ALTER TABLE webhook_deliveries ADD COLUMN in_workflow boolean NOT NULL DEFAULT true;
-- A dispatcher's hold on a delivery it is sending: past it, another dispatcher may take it over.
ALTER TABLE webhook_deliveries ADD COLUMN claimed_until timestamptz;
-- The order deliveries were recorded in, also within one transaction: first attempts go out in this order.
ALTER TABLE webhook_deliveries ADD COLUMN seq bigserial;
CREATE INDEX webhook_deliveries_to_dispatch ON webhook_deliveries (seq) WHERE status = 'pending' AND NOT in_workflow;
