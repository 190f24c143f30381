-- Whether an endpoint's first attempts go one at a time in the order of the events. Endpoints that exist keep
-- that behaviour; new ones default to a few attempts at once.
ALTER TABLE webhook_endpoints ADD COLUMN ordered boolean NOT NULL DEFAULT true;
ALTER TABLE webhook_endpoints ALTER COLUMN ordered SET DEFAULT false;
