import { createHmac } from 'node:crypto';

export type EndpointFormat = 'standard' | 'tokenview';

/** The events a Tokenview endpoint may name: transfers, which its body describes. */
export const TOKENVIEW_EVENT_TYPES = ['wallet.inbound_transfer', 'wallet.outbound_transfer', 'nft.transfer', 'contract.transfer', 'nft.new_member'];

const ZERO = '0x0000000000000000000000000000000000000000';

interface TransferPayload {
  type: string;
  token?: { standard: 'erc721' | 'erc1155'; symbol: string | null };
  data: { chain: string; contract_address: string; token_id: string; from_address: string; to_address: string; quantity: number | string; timestamp: string; block_number: number; transaction: string };
}

/**
 * Tokenview's webhook body for a transfer event, every value a string as Tokenview sends them: `address` is
 * the address the event is about (the sender for an outbound transfer and a burn, the recipient otherwise),
 * `txType` what the transfer did to it.
 */
export function tokenviewBody(payload: Record<string, unknown>): string {
  const { type, token, data: t } = payload as unknown as TransferPayload;
  const address = (type === 'wallet.outbound_transfer' || t.to_address === ZERO ? t.from_address : t.to_address).toLowerCase();
  const txType = t.from_address === ZERO ? 'Mint' : t.to_address === ZERO ? 'Burn' : address === t.to_address.toLowerCase() ? 'Receive' : 'Send';
  return JSON.stringify({
    address,
    amount: String(t.quantity),
    height: String(t.block_number),
    network: t.chain.toUpperCase(),
    nftid: t.token_id,
    time: String(Math.floor(Date.parse(t.timestamp) / 1000)),
    tokenAddress: t.contract_address.toLowerCase(),
    tokenSymbol: token?.symbol ?? '',
    txType,
    txid: t.transaction,
    type: token?.standard === 'erc1155' ? 'rc1155' : 'rc721',
  });
}

/** X-Tokenview-Signature: the hex HMAC-SHA256 of the raw body, keyed with the endpoint's signing secret as text. */
export const tokenviewSignature = (secret: string, body: string) => createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex');

/**
 * What is sent to an endpoint for an event: Tokenview's body for a transfer to a Tokenview endpoint; the
 * event itself otherwise (a delivery planned before its endpoint became a Tokenview one).
 */
export const bodyFor = (format: EndpointFormat, payload: Record<string, unknown>) =>
  (format === 'tokenview' && TOKENVIEW_EVENT_TYPES.includes(payload.type as string) && payload.data ? tokenviewBody(payload) : JSON.stringify(payload));
