-- A project's functions: its own service called before (pre) or after (post) a write route of the API.
-- `route` is a route of the API ("POST /v1/collections/:collectionId/nfts") or "*" for every write route.
CREATE TABLE api_functions (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id),
  route text NOT NULL,
  phase text NOT NULL CHECK (phase IN ('pre', 'post')),
  url text NOT NULL,
  timeout_ms integer NOT NULL,
  enabled boolean NOT NULL,
  position integer NOT NULL,
  secret_sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_functions_by_project ON api_functions (project_id, created_at DESC, id DESC);
CREATE INDEX api_functions_by_route ON api_functions (project_id, route) WHERE enabled;

-- Application events a project records about one of its NFTs (a sale, a like, a gift…); each is also an
-- outbox event, delivered through the project's webhook endpoints.
CREATE TABLE app_events (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id),
  type text NOT NULL,
  nft_id text NOT NULL REFERENCES nfts(id),
  collection_id text NOT NULL REFERENCES collections(id),
  chain text NOT NULL,
  actor text,
  data jsonb NOT NULL,
  payload jsonb NOT NULL,
  idempotency_key text,
  request_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, idempotency_key)
);
CREATE INDEX app_events_by_project ON app_events (project_id, created_at DESC, id DESC);
