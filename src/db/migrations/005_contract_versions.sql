-- Collections keep the contract version they were deployed with. Every collection before this migration
-- (and any an API of the previous release creates during a rollout) runs version 1; the current code
-- writes the version it deploys.
ALTER TABLE collections ADD COLUMN contract_version integer NOT NULL DEFAULT 1;

-- Version 2 contracts point token URIs at /v1/metadata/collections/:id/tokens/:tokenId.
CREATE INDEX nfts_by_token ON nfts (collection_id, token_id);
CREATE INDEX token_types_by_token ON token_types (collection_id, token_type_id);
-- ...serving the newest metadata version whose update is on its way (found through its action).
CREATE INDEX actions_by_updated_nft ON actions (resource_id) WHERE type = 'nfts.update';
