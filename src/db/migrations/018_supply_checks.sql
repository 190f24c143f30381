-- maxSupply held by the database itself (0 = unlimited): a mint is accepted in one statement, whose supply
-- update fails on this check rather than answering no row, so nothing of the refused mint is written.
ALTER TABLE collections ADD CONSTRAINT collections_supply_within_max CHECK (max_supply = 0 OR reserved_supply <= max_supply);
ALTER TABLE token_types ADD CONSTRAINT token_types_supply_within_max CHECK (max_supply = 0 OR reserved_supply <= max_supply);
