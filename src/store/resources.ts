import type { Queryable } from '../db/database';
import type { CollectionRow, ContractVersion, NftRow, OpenSeaMetadata, TokenStandard, TokenTypeRow } from '../domain';

export async function insertCollection(
  tx: Queryable,
  c: { id: string; projectId: string; chain: string; chainId: number; standard: TokenStandard; contractVersion: ContractVersion;
    name: string; symbol: string; metadata: OpenSeaMetadata; maxSupply: string; actionId: string },
) {
  await tx.query(
    `INSERT INTO collections (id, project_id, chain, chain_id, standard, contract_version, name, symbol, metadata, max_supply, status, action_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11) ON CONFLICT (id) DO NOTHING`,
    [c.id, c.projectId, c.chain, c.chainId, c.standard, c.contractVersion, c.name, c.symbol, JSON.stringify(c.metadata), c.maxSupply, c.actionId],
  );
}

export async function findCollection(db: Queryable, projectId: string, id: string): Promise<CollectionRow | undefined> {
  const [row] = await db.query<CollectionRow>('SELECT * FROM collections WHERE id = $1 AND project_id = $2', [id, projectId]);
  return row;
}

export async function findCollectionById(db: Queryable, id: string): Promise<CollectionRow | undefined> {
  const [row] = await db.query<CollectionRow>('SELECT * FROM collections WHERE id = $1', [id]);
  return row;
}

/** A collection an action refers to: one missing is the engine's own inconsistency, not the caller's. */
export async function getCollection(db: Queryable, id: string): Promise<CollectionRow> {
  const collection = await findCollectionById(db, id);
  if (!collection) throw new Error(`collection ${id} not found`);
  return collection;
}

export async function listCollections(db: Queryable, projectId: string, limit: number): Promise<CollectionRow[]> {
  return db.query<CollectionRow>('SELECT * FROM collections WHERE project_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2', [projectId, limit]);
}

export async function insertTokenType(
  tx: Queryable,
  t: { id: string; projectId: string; collectionId: string; metadata: OpenSeaMetadata; maxSupply: string; fungible: boolean; actionId: string },
) {
  await tx.query(
    `INSERT INTO token_types (id, project_id, collection_id, metadata, max_supply, fungible, status, action_id)
     VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) ON CONFLICT (id) DO NOTHING`,
    [t.id, t.projectId, t.collectionId, JSON.stringify(t.metadata), t.maxSupply, t.fungible, t.actionId],
  );
}

export async function findTokenType(db: Queryable, collectionId: string, id: string): Promise<TokenTypeRow | undefined> {
  const [row] = await db.query<TokenTypeRow>('SELECT * FROM token_types WHERE id = $1 AND collection_id = $2', [id, collectionId]);
  return row;
}

export async function findTokenTypeById(db: Queryable, id: string): Promise<TokenTypeRow | undefined> {
  const [row] = await db.query<TokenTypeRow>('SELECT * FROM token_types WHERE id = $1', [id]);
  return row;
}

/**
 * Reserves supply for a mint before it starts, so requests over maxSupply (0 = unlimited) are refused
 * at once; a failed mint gives its reservation back.
 */
export async function reserveSupply(tx: Queryable, table: 'collections' | 'token_types', id: string, amount: string): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE ${table} SET reserved_supply = reserved_supply + $2::numeric
     WHERE id = $1 AND (max_supply = 0 OR reserved_supply + $2::numeric <= max_supply) RETURNING id`,
    [id, amount],
  );
  return rows.length === 1;
}

export async function releaseSupply(tx: Queryable, table: 'collections' | 'token_types', id: string, amount: string) {
  await tx.query(`UPDATE ${table} SET reserved_supply = reserved_supply - $2::numeric WHERE id = $1`, [id, amount]);
}

export async function insertNftMetadata(tx: Queryable, nftId: string, version: number, metadata: OpenSeaMetadata) {
  await tx.query('INSERT INTO nft_metadata (nft_id, version, metadata) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
    nftId,
    version,
    JSON.stringify(metadata),
  ]);
}

/** Allocates the next metadata version of an NFT (the row lock orders concurrent updates). */
export async function nextNftMetadataVersion(tx: Queryable, nftId: string): Promise<number> {
  await tx.query('SELECT id FROM nfts WHERE id = $1 FOR UPDATE', [nftId]);
  const [row] = await tx.query<{ version: number }>('SELECT max(version) + 1 AS version FROM nft_metadata WHERE nft_id = $1', [nftId]);
  return row.version;
}

export async function findNft(db: Queryable, collectionId: string, id: string): Promise<NftRow | undefined> {
  const [row] = await db.query<NftRow>('SELECT * FROM nfts WHERE id = $1 AND collection_id = $2', [id, collectionId]);
  return row;
}

export async function findNftById(db: Queryable, id: string): Promise<NftRow | undefined> {
  const [row] = await db.query<NftRow>('SELECT * FROM nfts WHERE id = $1', [id]);
  return row;
}

/** The NFT holding a token id of a collection (for ERC-1155, a non-fungible token's id). */
export async function findNftByTokenId(db: Queryable, collectionId: string, tokenId: string): Promise<NftRow | undefined> {
  const [row] = await db.query<NftRow>('SELECT * FROM nfts WHERE collection_id = $1 AND token_id = $2 LIMIT 1', [collectionId, tokenId]);
  return row;
}

export async function findTokenTypeByTokenId(db: Queryable, collectionId: string, tokenTypeId: string): Promise<TokenTypeRow | undefined> {
  const [row] = await db.query<TokenTypeRow>('SELECT * FROM token_types WHERE collection_id = $1 AND token_type_id = $2', [collectionId, tokenTypeId]);
  return row;
}

/**
 * The metadata a version 2 token URI serves: the newest version whose update transaction is on its way or
 * done, so a marketplace reacting to the MetadataUpdate event already reads it (a failed update's version
 * is never served).
 */
export async function findAnnouncedNftMetadata(db: Queryable, nftId: string): Promise<OpenSeaMetadata | undefined> {
  const [row] = await db.query<{ metadata: OpenSeaMetadata }>(
    `SELECT m.metadata FROM nft_metadata m
     WHERE m.nft_id = $1 AND (m.version = 1 OR EXISTS (
       SELECT 1 FROM actions a WHERE a.type = 'nfts.update' AND a.resource_id = m.nft_id
         AND (a.payload->>'metadataVersion')::int = m.version
         AND (a.status = 'succeeded' OR (a.status = 'pending' AND a.stage IN ('submitted', 'confirming')))))
     ORDER BY m.version DESC LIMIT 1`,
    [nftId],
  );
  return row?.metadata;
}

export async function findNftMetadata(db: Queryable, nftId: string, version: number): Promise<OpenSeaMetadata | undefined> {
  const [row] = await db.query<{ metadata: OpenSeaMetadata }>('SELECT metadata FROM nft_metadata WHERE nft_id = $1 AND version = $2', [nftId, version]);
  return row?.metadata;
}

/** An NFT of the project by its id. */
export async function findProjectNft(db: Queryable, projectId: string, id: string): Promise<NftRow | undefined> {
  const [row] = await db.query<NftRow>('SELECT * FROM nfts WHERE id = $1 AND project_id = $2', [id, projectId]);
  return row;
}

/** An NFT of one of the project's collections by chain, contract and token id. */
export async function findProjectNftByToken(db: Queryable, projectId: string, chain: string, contractAddress: string, tokenId: string): Promise<NftRow | undefined> {
  const [row] = await db.query<NftRow>(
    `SELECT n.* FROM nfts n JOIN collections c ON c.id = n.collection_id
     WHERE c.project_id = $1 AND c.chain = $2 AND lower(c.contract_address) = lower($3) AND n.token_id = $4 LIMIT 1`,
    [projectId, chain, contractAddress, tokenId],
  );
  return row;
}

export async function listTokenTypes(db: Queryable, collectionId: string): Promise<TokenTypeRow[]> {
  return db.query<TokenTypeRow>('SELECT * FROM token_types WHERE collection_id = $1 ORDER BY created_at, id LIMIT 1000', [collectionId]);
}

/** A collection's NFTs, newest first, each with its current metadata version's document. */
export async function listNfts(
  db: Queryable, collectionId: string, page: { before?: { createdAt: Date; id: string }; limit: number },
): Promise<(NftRow & { metadata: OpenSeaMetadata })[]> {
  const params: unknown[] = [collectionId, page.limit];
  let after = '';
  if (page.before) {
    params.push(page.before.createdAt, page.before.id);
    after = 'AND (n.created_at, n.id) < ($3, $4)';
  }
  return db.query<NftRow & { metadata: OpenSeaMetadata }>(
    `SELECT n.*, m.metadata FROM nfts n JOIN nft_metadata m ON m.nft_id = n.id AND m.version = n.metadata_version
     WHERE n.collection_id = $1 ${after} ORDER BY n.created_at DESC, n.id DESC LIMIT $2`,
    params,
  );
}
