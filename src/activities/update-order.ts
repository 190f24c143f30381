import { actionFailure } from '../shared/failures';
import type { NonceAdmission } from '../store/nonces';
import { nftUpdateOrder } from '../store/nft-updates';
import type { PreparedAction } from './prepare';

/**
 * A version 1 contract keeps the URI of the last setTokenURI mined, and one signer's transactions are mined in
 * nonce order. So that the chain ends on the newest version, as the API does, an update takes a nonce above
 * those of the NFT's older updates, and is not sent at all once a newer one holds a nonce or has succeeded.
 */
export function tokenURIUpdateAdmission(prepared: PreparedAction): NonceAdmission | undefined {
  if (prepared.callInfo.functionName !== 'setTokenURI') return undefined;
  return async (tx) => {
    const order = await nftUpdateOrder(tx, prepared.actionId);
    if (order.newerVersion !== undefined) {
      throw actionFailure({
        reason: 'superseded',
        message: `Metadata version ${order.newerVersion} of this NFT was sent first; sending this older version after it would point the token back at older metadata`,
        callInfo: prepared.callInfo,
      });
    }
    return order.lowestNonce;
  };
}
