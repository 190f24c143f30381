import type { ActionPayload, CallInfo, CollectionRow, NftRow, TokenTypeRow } from '../domain';
import { ARTIFACTS } from './artifacts';

export interface MetadataUrls {
  collection(collectionId: string): string;
  tokenType(tokenTypeId: string): string;
  nft(nftId: string, version: number): string;
}

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

/** The contract call (or deployment) that carries out an action. */
export function planCall(payload: ActionPayload, ctx: CallContext): PlannedCall {
  const { collection } = ctx;
  const abi = ARTIFACTS[collection.standard].abi;
  const call = (functionName: string, args: Record<string, unknown>): PlannedCall => {
    const data = abi.encodeFunctionData(functionName, Object.values(args));
    return { to: required(collection.contract_address, 'collection contract'), data, callInfo: { functionName, arguments: args, calldata: data } };
  };
  switch (payload.type) {
    case 'collections.create': {
      const contractURI = ctx.urls.collection(collection.id);
      const args: Record<string, unknown> =
        collection.standard === 'erc721'
          ? { name: payload.name, symbol: payload.symbol, contractURI, maxSupply: payload.maxSupply, owner: ctx.owner }
          : { name: payload.name, symbol: payload.symbol, contractURI, owner: ctx.owner };
      const data = ARTIFACTS[collection.standard].bytecode + abi.encodeDeploy(Object.values(args)).slice(2);
      return { to: null, data, callInfo: { functionName: 'constructor', arguments: args, calldata: data } };
    }
    case 'tokenTypes.create':
      return call('createTokenType', {
        maxSupply: payload.maxSupply,
        fungible: payload.fungible,
        uri: ctx.urls.tokenType(payload.tokenTypeId),
      });
    case 'nfts.create':
      if (collection.standard === 'erc721') {
        return call('mintTo', { recipient: payload.recipient, tokenURI: ctx.urls.nft(payload.nftId, 1) });
      }
      return call('mint', {
        recipient: payload.recipient,
        tokenTypeId: required(ctx.tokenType?.token_type_id, 'token type id'),
        amount: payload.amount,
      });
    case 'nfts.update':
      return call('setTokenURI', {
        tokenId: required(ctx.nft?.token_id, 'token id'),
        tokenURI: ctx.urls.nft(payload.nftId, payload.metadataVersion),
      });
  }
}

function required<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`${what} is not known yet`);
  return value;
}
