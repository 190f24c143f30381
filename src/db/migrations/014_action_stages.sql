-- When each action entered each stage, for the console's timeline. Written by the same statement that moves
-- the action (a data-modifying WITH), so it costs no extra round trip. Actions older than this table show
-- only their start and completion.
CREATE TABLE action_stages (
  action_id text NOT NULL REFERENCES actions(id),
  stage text NOT NULL,
  at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX action_stages_by_action ON action_stages (action_id, at);

-- The console searches a project's actions by transaction hash: the one shown, or any sent for it.
CREATE INDEX actions_by_tx_hash ON actions (project_id, tx_hash) WHERE tx_hash IS NOT NULL;
CREATE INDEX action_transactions_by_hash ON action_transactions (hash);
