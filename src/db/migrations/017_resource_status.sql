-- What GET answers about a collection, token type or NFT besides its row: the last action on it (its
-- transactionHash and errorMessage) and, for an NFT of a non-fungible token type, its place among the
-- type's minted NFTs in token id order (its mintNumber).
CREATE INDEX actions_by_resource ON actions (resource_id, started_at DESC);
CREATE INDEX batch_mint_items_by_nft ON batch_mint_items (nft_id);
CREATE INDEX nfts_minted_by_token_type ON nfts (token_type_id, (token_id::numeric)) WHERE status = 'minted';
