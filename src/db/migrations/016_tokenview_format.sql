-- What an endpoint is sent: the engine's events signed with Standard Webhooks, or Tokenview's transfer body
-- signed with X-Tokenview-Signature, for receivers written for Tokenview.
ALTER TABLE webhook_endpoints ADD COLUMN format text NOT NULL DEFAULT 'standard' CHECK (format IN ('standard', 'tokenview'));
