-- Where a completed action's transaction was mined, as the block hash said when it completed: the worker's
-- reorg check compares it with the canonical chain while the block is recent. block_hash is NULL while a
-- transaction a reorg took out is being sent again (block_number is then the block it was taken out of).
ALTER TABLE actions ADD COLUMN block_number bigint;
ALTER TABLE actions ADD COLUMN block_hash text;
-- The signed transaction, to send again if a reorg takes it out: its nonce lease is pruned soon after the
-- action completes. Dropped once the block is deeper than the reorg check looks (found by the index below,
-- which holds only the actions still keeping it).
ALTER TABLE actions ADD COLUMN signed_transaction text;
CREATE INDEX actions_keeping_signed_transaction ON actions (chain_id, block_number) WHERE signed_transaction IS NOT NULL;
CREATE INDEX actions_by_mined_block ON actions (chain_id, block_number) WHERE block_number IS NOT NULL;
CREATE INDEX actions_being_resent ON actions (chain_id) WHERE block_hash IS NULL AND block_number IS NOT NULL;

-- action_id stays the key of an action's one outcome event. Events about an action beyond its outcome
-- (actions.reorged, possibly several) leave it NULL and name their action in about_action_id.
ALTER TABLE outbox_events ALTER COLUMN action_id DROP NOT NULL;
ALTER TABLE outbox_events ADD COLUMN about_action_id text;

-- When a worker-side periodic check of a chain is next due: the worker that moves it on runs the round, so
-- several worker processes run one round per interval between them.
CREATE TABLE chain_checks (
  name text NOT NULL,
  chain_id integer NOT NULL,
  next_run_at timestamptz NOT NULL,
  PRIMARY KEY (name, chain_id)
);
