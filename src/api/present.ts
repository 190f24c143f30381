import type { ActionRow, ApiUrls, CollectionRow, NftRow, TokenTypeRow } from '../domain';
import type { LastActionStatus, NftStatus } from '../store/resource-status';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/**
 * A created token type's id in its contract, named apart from the engine's token type id (a UUID) that mints
 * take. Results still carry it as `tokenTypeId` too, for clients that read it there.
 */
function onChainTypeIdOf(a: ActionRow): { onChainTypeId: unknown } | undefined {
  return a.type === 'tokenTypes.create' && a.result?.tokenTypeId !== undefined ? { onChainTypeId: a.result.tokenTypeId } : undefined;
}

/** An action as the API returns it. */
export function presentAction(a: ActionRow, urls: ApiUrls) {
  return {
    actionId: a.id,
    type: a.type,
    status: a.status,
    stage: a.stage,
    chain: a.chain,
    chainId: a.chain_id,
    startedAt: iso(a.started_at),
    completedAt: iso(a.completed_at),
    txId: a.tx_hash,
    nonce: a.nonce,
    resource: { url: urls.resource(a), collectionId: a.collection_id, id: a.resource_id, ...onChainTypeIdOf(a), ...(a.result ?? {}) },
    ...(a.cancel_requested_at ? { cancelRequestedAt: iso(a.cancel_requested_at) } : {}),
    ...(a.error ? { error: a.error } : {}),
  };
}

export function presentCollection(c: CollectionRow, last: LastActionStatus) {
  return {
    id: c.id,
    chain: c.chain,
    chainId: c.chain_id,
    standard: c.standard,
    contractVersion: c.contract_version,
    name: c.name,
    symbol: c.symbol,
    metadata: c.metadata,
    maxSupply: c.max_supply,
    // Minted and being minted: what a new mint is checked against.
    supplyUsed: c.reserved_supply,
    contractAddress: c.contract_address,
    status: c.status,
    actionId: c.action_id,
    ...last,
    createdAt: iso(c.created_at),
  };
}

export function presentTokenType(t: TokenTypeRow, last: LastActionStatus) {
  return {
    id: t.id,
    collectionId: t.collection_id,
    onChainTypeId: t.token_type_id,
    // The on-chain id under its old name, for clients that read it here.
    tokenTypeId: t.token_type_id,
    metadata: t.metadata,
    maxSupply: t.max_supply,
    supplyUsed: t.reserved_supply,
    fungible: t.fungible,
    status: t.status,
    actionId: t.action_id,
    ...last,
    createdAt: iso(t.created_at),
  };
}

/**
 * The URI the NFT's contract returns for its token (`tokenURI(id)`, `uri(id)`). Version 2: base URI + token id,
 * known once minted. Version 1: the URI the engine last set, but an ERC-1155 mint sets none, so the token
 * reads its type's until an update sets its own.
 */
function tokenUriOf(n: NftRow, collection: CollectionRow, urls: ApiUrls): string | null {
  if (collection.contract_version === 1) {
    if (collection.standard === 'erc721' || n.metadata_version > 1) return urls.metadata.nft(n.id, n.metadata_version);
    return n.token_id && n.token_type_id ? urls.metadata.tokenType(n.token_type_id) : null;
  }
  return n.token_id ? urls.metadata.tokenBase(collection.id) + n.token_id : null;
}

export function presentNft(n: NftRow, collection: CollectionRow, metadata: unknown, status: NftStatus, urls: ApiUrls) {
  return {
    id: n.id,
    collectionId: n.collection_id,
    tokenTypeId: n.token_type_id,
    tokenId: n.token_id,
    recipient: n.recipient,
    amount: n.amount,
    metadata,
    metadataVersion: n.metadata_version,
    tokenURI: tokenUriOf(n, collection, urls),
    status: n.status,
    actionId: n.action_id,
    ...status,
    createdAt: iso(n.created_at),
    updatedAt: iso(n.updated_at),
  };
}
