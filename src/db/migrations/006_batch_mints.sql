-- A batch mint (action nfts.createBatch) has one NFT row per recipient; its items and the transactions it
-- is split into live here, not in the workflow's history.
CREATE TABLE batch_mint_chunks (
  action_id text NOT NULL REFERENCES actions(id),
  chunk_index integer NOT NULL,
  tx_to text NOT NULL,
  tx_data text NOT NULL,
  gas_limit numeric(78, 0) NOT NULL,
  max_fee_per_gas numeric(78, 0) NOT NULL,
  max_priority_fee_per_gas numeric(78, 0) NOT NULL,
  call_info jsonb NOT NULL,
  -- Set once signed; a retried signing returns this instead of asking again for the same nonce.
  nonce bigint,
  tx_hash text,
  signed_transaction text,
  status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'sent', 'mined', 'reverted')),
  block_number bigint,
  gas_used numeric(78, 0),
  PRIMARY KEY (action_id, chunk_index)
);

CREATE TABLE batch_mint_items (
  action_id text NOT NULL REFERENCES actions(id),
  item_index integer NOT NULL,
  nft_id text NOT NULL REFERENCES nfts(id),
  chunk_index integer,
  PRIMARY KEY (action_id, item_index)
);
