-- An action's signing call is a local activity, so after a crash its steps run again from the start. What
-- they decided before is kept, so they decide it the same way: the transaction as prepared for signing
-- (fees and gas are not priced anew, the call is not simulated again after it was sent) ...
ALTER TABLE actions ADD COLUMN prepared_transaction jsonb;
-- ... and the transaction signed at a lease's nonce, sent again instead of a second one signed anew.
ALTER TABLE nonce_leases ADD COLUMN tx_hash text;
-- NULL when the signer sent the transaction itself.
ALTER TABLE nonce_leases ADD COLUMN signed_transaction text;
