-- What a project follows on a chain: transfers of a wallet, of one NFT or of a contract (mints and burns
-- included), metadata updates of a contract or of the whole chain. Addresses are stored lowercase.
CREATE TABLE subscriptions (
  id text PRIMARY KEY,
  project_id text NOT NULL REFERENCES projects(id),
  chain text NOT NULL,
  chain_id integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('wallet', 'nft', 'contract', 'chain')),
  wallet_address text,
  direction text CHECK (direction IN ('inbound', 'outbound', 'both')),
  contract_address text,
  token_id numeric(78, 0),
  -- 0: delivered when first seen in a block, re-sent with removed: true if a reorg drops it; N: once N blocks deep.
  confirmations integer NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'paused')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subscriptions_by_project ON subscriptions (project_id, created_at DESC, id DESC);
CREATE INDEX subscriptions_by_wallet ON subscriptions (chain_id, wallet_address) WHERE kind = 'wallet' AND status = 'active';
CREATE INDEX subscriptions_by_contract ON subscriptions (chain_id, contract_address) WHERE kind IN ('nft', 'contract') AND status = 'active';
CREATE INDEX subscriptions_by_chain ON subscriptions (chain_id) WHERE kind = 'chain' AND status = 'active';

-- The engine's own collections notify their project without a subscription: found by their contract.
CREATE INDEX collections_by_contract ON collections (chain_id, lower(contract_address)) WHERE contract_address IS NOT NULL;

-- Where a chain's event follower is: the last block it processed, and who holds the follower (one process
-- per chain at a time; past lease_until another may take over).
CREATE TABLE chain_cursors (
  chain_id integer PRIMARY KEY,
  block_number bigint NOT NULL,
  block_hash text NOT NULL,
  holder text,
  lease_until timestamptz
);

-- The recent canonical blocks the follower processed: a new block whose parent is not the one kept here
-- is on another branch (a reorg), and the follower goes back to where the branches meet.
CREATE TABLE chain_blocks (
  chain_id integer NOT NULL,
  number bigint NOT NULL,
  hash text NOT NULL,
  parent_hash text NOT NULL,
  timestamp bigint NOT NULL,
  PRIMARY KEY (chain_id, number)
);

-- Chain events recorded for delivery belong to no action: their chain and collection (for endpoint filters)
-- are their own, with the block each came from, so a reorg finds what it must take back.
ALTER TABLE outbox_events ALTER COLUMN action_id DROP NOT NULL;
ALTER TABLE outbox_events ADD COLUMN chain text;
ALTER TABLE outbox_events ADD COLUMN collection_id text;
ALTER TABLE outbox_events ADD COLUMN chain_id integer;
ALTER TABLE outbox_events ADD COLUMN block_hash text;
CREATE INDEX outbox_events_by_block ON outbox_events (chain_id, block_hash) WHERE block_hash IS NOT NULL;

-- Everyone who ever held a token of an engine collection: a transfer to someone new is a "new member".
CREATE TABLE collection_holders (
  collection_id text NOT NULL REFERENCES collections(id),
  token_id numeric(78, 0) NOT NULL,
  address text NOT NULL,
  PRIMARY KEY (collection_id, token_id, address)
);
