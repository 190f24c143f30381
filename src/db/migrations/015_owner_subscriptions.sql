-- Owner subscriptions follow the NFTs a wallet holds; fromBlock back-fills past blocks before a
-- subscription goes live (backfill_next: the next past block to read; null once caught up).
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_kind_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_kind_check CHECK (kind IN ('wallet', 'nft', 'contract', 'chain', 'owner'));
ALTER TABLE subscriptions ADD COLUMN from_block bigint;
ALTER TABLE subscriptions ADD COLUMN backfill_next bigint;
DROP INDEX subscriptions_by_wallet;
CREATE INDEX subscriptions_by_wallet ON subscriptions (chain_id, wallet_address) WHERE kind IN ('wallet', 'owner') AND status = 'active';
CREATE INDEX subscriptions_backfilling ON subscriptions (chain_id, created_at) WHERE backfill_next IS NOT NULL AND status = 'active';

-- What an owner subscription's wallet received and sent, one signed quantity per transfer log item, from
-- the blocks it saw: its balance of a token is the sum. Keyed by the log, so a block processed twice adds
-- nothing; a reorg deletes the rows of the block it replaced.
CREATE TABLE owner_holdings (
  subscription_id text NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
  chain_id integer NOT NULL,
  contract_address text NOT NULL,
  token_id numeric(78, 0) NOT NULL,
  block_number bigint NOT NULL,
  block_hash text NOT NULL,
  log_index integer NOT NULL,
  batch_index integer NOT NULL,
  delta numeric(78, 0) NOT NULL,
  PRIMARY KEY (subscription_id, block_hash, log_index, batch_index)
);
CREATE INDEX owner_holdings_by_token ON owner_holdings (chain_id, contract_address, token_id);
CREATE INDEX owner_holdings_by_block ON owner_holdings (chain_id, block_hash);
