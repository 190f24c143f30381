CREATE TABLE projects (
  id text PRIMARY KEY,
  name text NOT NULL,
  signer_url text NOT NULL,
  signer_address text NOT NULL,
  signer_secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id),
  key_hash text NOT NULL UNIQUE,
  key_prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE actions (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id),
  type text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  stage text NOT NULL,
  chain text NOT NULL,
  chain_id integer NOT NULL,
  collection_id text NOT NULL,
  resource_id text NOT NULL,
  idempotency_key text,
  request_hash text NOT NULL,
  payload jsonb NOT NULL,
  tx_hash text,
  nonce bigint,
  result jsonb,
  error jsonb,
  started_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, idempotency_key)
);
CREATE INDEX actions_by_project ON actions (project_id, started_at DESC, id);
CREATE INDEX actions_by_status ON actions (status, updated_at);

CREATE TABLE collections (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id),
  chain text NOT NULL,
  chain_id integer NOT NULL,
  standard text NOT NULL CHECK (standard IN ('erc721', 'erc1155')),
  name text NOT NULL,
  symbol text NOT NULL,
  metadata jsonb NOT NULL,
  max_supply numeric(78, 0) NOT NULL DEFAULT 0,
  reserved_supply numeric(78, 0) NOT NULL DEFAULT 0,
  contract_address text,
  status text NOT NULL CHECK (status IN ('pending', 'deployed', 'failed')),
  action_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX collections_by_project ON collections (project_id, created_at DESC);

CREATE TABLE token_types (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id),
  collection_id text NOT NULL REFERENCES collections(id),
  metadata jsonb NOT NULL,
  max_supply numeric(78, 0) NOT NULL,
  reserved_supply numeric(78, 0) NOT NULL DEFAULT 0,
  fungible boolean NOT NULL,
  token_type_id text,
  status text NOT NULL CHECK (status IN ('pending', 'created', 'failed')),
  action_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE nfts (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id),
  collection_id text NOT NULL REFERENCES collections(id),
  token_type_id text REFERENCES token_types(id),
  recipient text NOT NULL,
  amount numeric(78, 0) NOT NULL,
  metadata_version integer NOT NULL DEFAULT 1,
  token_id text,
  status text NOT NULL CHECK (status IN ('pending', 'minted', 'failed')),
  action_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX nfts_by_collection ON nfts (collection_id, created_at DESC);

-- Every metadata document the contracts point at; versions are immutable so a token URI always
-- resolves to what was on chain when it was set.
CREATE TABLE nft_metadata (
  nft_id text NOT NULL REFERENCES nfts(id),
  version integer NOT NULL,
  metadata jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (nft_id, version)
);

CREATE TABLE signer_nonces (
  chain_id integer NOT NULL,
  address text NOT NULL,
  next_nonce bigint NOT NULL,
  PRIMARY KEY (chain_id, address)
);

CREATE TABLE nonce_leases (
  chain_id integer NOT NULL,
  address text NOT NULL,
  nonce bigint NOT NULL,
  holder text UNIQUE,
  state text NOT NULL CHECK (state IN ('reserved', 'broadcast', 'released')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (chain_id, address, nonce)
);

CREATE TABLE outbox_events (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id),
  type text NOT NULL,
  action_id text NOT NULL UNIQUE,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz
);
CREATE INDEX outbox_undispatched ON outbox_events (created_at) WHERE dispatched_at IS NULL;
