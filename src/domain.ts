export const ACTION_TYPES = ['collections.create', 'tokenTypes.create', 'nfts.create', 'nfts.update', 'nfts.createBatch'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];
export type ActionStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled';
/**
 * Where a pending action is. Besides the happy path: `stuck` (not mined in the chain's time and no cheaper
 * way on: at the fee cap, or the signer refused a replacement), `replacing` (a fee-bumped replacement is being
 * signed and sent), `cancelling` (a cancellation was sent), `chain_unreachable` (the node cannot be asked).
 */
export const ACTION_STAGES = [
  'queued', 'building', 'awaiting_signature', 'submitted', 'confirming', 'stuck', 'replacing', 'cancelling', 'chain_unreachable', 'completed',
] as const;
export type ActionStage = (typeof ACTION_STAGES)[number];
export type TokenStandard = 'erc721' | 'erc1155';
/** Which build of the collection contracts a collection was deployed with (see contracts/ and artifacts/). */
export type ContractVersion = 1 | 2;

export type ErrorReason =
  | 'execution_reverted'
  | 'signer_rejected'
  | 'signer_unavailable'
  | 'invalid_signature'
  | 'nonce_conflict'
  | 'confirmation_timeout'
  /** A metadata update not sent because a newer version of the NFT was sent first. */
  | 'superseded'
  | 'internal_error';

export interface CallInfo {
  functionName: string;
  arguments: Record<string, unknown>;
  calldata: string;
}

/** An item of a batch mint as its transactions are planned: its place in the batch, and what it mints to whom. */
export interface BatchItemToMint {
  item_index: number;
  recipient: string;
  amount: string;
}

/** One transaction of a batch mint as planned: the items it carries (from firstItem), its call and its gas and fees. */
export interface NewBatchChunk {
  chunkIndex: number;
  firstItem: number;
  itemCount: number;
  to: string;
  data: string;
  gasLimit: string;
  maxFeePerGas: string;
  maxPriorityFeePerGas: string;
  callInfo: Omit<CallInfo, 'calldata'>;
}

/** The failure shape of Crossmint's failed mint, used by every action type. */
export interface ActionError {
  reason: ErrorReason;
  message: string;
  revertReason?: string;
  callInfo?: CallInfo;
}

export type OpenSeaMetadata = Record<string, unknown> & { name: string };

export type ActionPayload =
  | { type: 'collections.create'; standard: TokenStandard; name: string; symbol: string; metadata: OpenSeaMetadata; maxSupply: string }
  | { type: 'tokenTypes.create'; tokenTypeId: string; metadata: OpenSeaMetadata; maxSupply: string; fungible: boolean }
  | { type: 'nfts.create'; nftId: string; recipient: string; tokenTypeId: string | null; amount: string }
  | { type: 'nfts.update'; nftId: string; metadataVersion: number }
  /** The items (one NFT each) are in batch_mint_items, never in the payload. */
  | { type: 'nfts.createBatch'; tokenTypeId: string | null; itemCount: number };

export interface ActionRow {
  id: string;
  project_id: string;
  type: ActionType;
  status: ActionStatus;
  stage: ActionStage;
  chain: string;
  chain_id: number;
  collection_id: string;
  resource_id: string;
  idempotency_key: string | null;
  request_hash: string;
  payload: ActionPayload;
  tx_hash: string | null;
  nonce: number | null;
  /** When the project asked to cancel the action (it ends `cancelled` only if its transaction never is mined). */
  cancel_requested_at: Date | null;
  /** The transaction as prepared for signing, kept once its nonce is reserved. */
  prepared_transaction: unknown;
  result: Record<string, unknown> | null;
  error: ActionError | null;
  started_at: Date;
  completed_at: Date | null;
  updated_at: Date;
}

/** Where the API serves the metadata the contracts point at. */
export interface MetadataUrls {
  collection(collectionId: string): string;
  tokenType(tokenTypeId: string): string;
  nft(nftId: string, version: number): string;
  /** Version 2 contracts: the token URI is this base followed by the token id. */
  tokenBase(collectionId: string): string;
}

/** The API's public URLs that contracts, results and events carry (made by api/urls.ts from PUBLIC_BASE_URL). */
export interface ApiUrls {
  metadata: MetadataUrls;
  /** What the action created: its collection, token type or NFT; a batch mint's per-recipient results. */
  resource(action: Pick<ActionRow, 'type' | 'collection_id' | 'resource_id'>): string;
  action(actionId: string): string;
}

export interface ProjectRow {
  id: string;
  name: string;
  signer_url: string;
  signer_address: string;
  /** The `whsec_` secret sealed with the secrets key. */
  signer_secret_sealed: string;
}

export interface CollectionRow {
  id: string;
  project_id: string;
  chain: string;
  chain_id: number;
  standard: TokenStandard;
  contract_version: ContractVersion;
  name: string;
  symbol: string;
  metadata: OpenSeaMetadata;
  max_supply: string;
  reserved_supply: string;
  contract_address: string | null;
  status: 'pending' | 'deployed' | 'failed';
  action_id: string;
  created_at: Date;
}

export interface TokenTypeRow {
  id: string;
  project_id: string;
  collection_id: string;
  metadata: OpenSeaMetadata;
  max_supply: string;
  reserved_supply: string;
  fungible: boolean;
  token_type_id: string | null;
  status: 'pending' | 'created' | 'failed';
  action_id: string;
  created_at: Date;
}

export interface NftRow {
  id: string;
  project_id: string;
  collection_id: string;
  token_type_id: string | null;
  recipient: string;
  amount: string;
  metadata_version: number;
  token_id: string | null;
  status: 'pending' | 'minted' | 'failed';
  action_id: string;
  created_at: Date;
  updated_at: Date;
}
