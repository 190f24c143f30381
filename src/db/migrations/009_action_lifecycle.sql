-- A pending action the project abandoned ends `cancelled` once the transaction that replaced its own is
-- confirmed (or at once when nothing was sent yet).
ALTER TABLE actions DROP CONSTRAINT actions_status_check;
ALTER TABLE actions ADD CONSTRAINT actions_status_check CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled'));
ALTER TABLE actions ADD COLUMN cancel_requested_at timestamptz;

-- Every transaction sent for an action at its nonce: the first, the fee-bumped replacements of a stuck one
-- and the cancellation. At most one of them is ever mined; all are watched. Kept before each is sent, so a
-- crash between signing and the workflow recording it still leaves it watched and priced over.
CREATE TABLE action_transactions (
  action_id text NOT NULL REFERENCES actions(id),
  hash text NOT NULL,
  nonce integer NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('action', 'replacement', 'cancel')),
  -- NULL when the signer sent it itself.
  signed_transaction text,
  max_fee_per_gas numeric(78, 0) NOT NULL,
  max_priority_fee_per_gas numeric(78, 0) NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (action_id, hash)
);
