CREATE TABLE webhook_endpoints (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id),
  url text NOT NULL,
  description text NOT NULL DEFAULT '',
  -- Empty means every event type.
  event_types text[] NOT NULL DEFAULT '{}',
  filter_collection_id text,
  filter_chain text,
  auth_type text NOT NULL CHECK (auth_type IN ('none', 'basic', 'header')),
  -- Sealed with the secrets key: the signing secret and the receiver's credentials.
  auth_sealed text,
  secret_sealed text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'paused', 'disabled')),
  disabled_reason text,
  failing_since timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_by_project ON webhook_endpoints (project_id, created_at);

CREATE TABLE webhook_deliveries (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id),
  endpoint_id text NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  event_id text NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_status_code integer,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at DESC);

CREATE TABLE webhook_attempts (
  delivery_id text NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  started_at timestamptz NOT NULL,
  status_code integer,
  latency_ms integer NOT NULL,
  response_body text,
  error text,
  PRIMARY KEY (delivery_id, attempt)
);
