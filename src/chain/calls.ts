import type { ActionPayload, CallInfo, CollectionRow, MetadataUrls, NftRow, TokenTypeRow } from '../domain';
import { collectionArtifact } from './artifacts';

export interface CallContext {
  owner: string;
  collection: CollectionRow;
  tokenType?: TokenTypeRow;
  nft?: NftRow;
  urls: MetadataUrls;
}

export interface PlannedCall {
  to: string | null;
  data: string;
  callInfo: CallInfo;
}

/** Encodes a call of the collection's contract (in the version it was deployed with). */
export function collectionCall(collection: CollectionRow, functionName: string, args: Record<string, unknown>): PlannedCall {
  const data = collectionArtifact(collection.standard, collection.contract_version).abi.encodeFunctionData(functionName, Object.values(args));
  return { to: required(collection.contract_address, 'collection contract'), data, callInfo: { functionName, arguments: args, calldata: data } };
}

/** The contract call (or deployment) that carries out an action. */
export function planCall(payload: ActionPayload, ctx: CallContext): PlannedCall {
  const { collection } = ctx;
  const v1 = collection.contract_version === 1;
  const call = (functionName: string, args: Record<string, unknown>) => collectionCall(collection, functionName, args);
  switch (payload.type) {
    case 'collections.create':
      return deployment(payload.name, payload.symbol, payload.maxSupply, ctx);
    case 'tokenTypes.create':
      return call('createTokenType', {
        maxSupply: payload.maxSupply,
        fungible: payload.fungible,
        ...(v1 ? { uri: ctx.urls.tokenType(payload.tokenTypeId) } : {}),
      });
    case 'nfts.create':
      if (collection.standard === 'erc721') {
        return call('mintTo', { recipient: payload.recipient, ...(v1 ? { tokenURI: ctx.urls.nft(payload.nftId, 1) } : {}) });
      }
      return call('mint', {
        recipient: payload.recipient,
        tokenTypeId: required(ctx.tokenType?.token_type_id, 'token type id'),
        amount: payload.amount,
      });
    case 'nfts.update': {
      const tokenId = required(ctx.nft?.token_id, 'token id');
      // Version 2 serves the NFT's current metadata version at a fixed URI: the chain only hears of the change.
      if (!v1) return call('notifyMetadataUpdate', { tokenId });
      return call('setTokenURI', { tokenId, tokenURI: ctx.urls.nft(payload.nftId, payload.metadataVersion) });
    }
    case 'nfts.createBatch':
      throw new Error('a batch mint is sent in chunks, each planned by planBatchMintCall');
  }
}

/** One chunk of a batch mint: a mintBatch call (contract version 2) minting to each recipient in order. */
export function planBatchMintCall(
  collection: CollectionRow, tokenTypeId: string | null, items: readonly { recipient: string; amount: string }[],
): PlannedCall {
  const recipients = items.map((i) => i.recipient);
  if (collection.standard === 'erc721') return collectionCall(collection, 'mintBatch', { recipients });
  return collectionCall(collection, 'mintBatch', { recipients, tokenTypeId: required(tokenTypeId, 'token type id'), amounts: items.map((i) => i.amount) });
}

function deployment(name: string, symbol: string, maxSupply: string, ctx: CallContext): PlannedCall {
  const { collection, urls, owner } = ctx;
  const contractURI = urls.collection(collection.id);
  const baseURI = urls.tokenBase(collection.id);
  const v1 = collection.contract_version === 1;
  const args: Record<string, unknown> =
    collection.standard === 'erc721'
      ? { name, symbol, contractURI, ...(v1 ? {} : { baseURI }), maxSupply, owner }
      : { name, symbol, contractURI, ...(v1 ? {} : { baseURI }), owner };
  const { abi, bytecode } = collectionArtifact(collection.standard, collection.contract_version);
  const data = bytecode + abi.encodeDeploy(Object.values(args)).slice(2);
  return { to: null, data, callInfo: { functionName: 'constructor', arguments: args, calldata: data } };
}

function required<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`${what} is not known yet`);
  return value;
}
