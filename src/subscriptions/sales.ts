import { Contract, getAddress, type JsonRpcProvider } from 'ethers';
import type { DecodedLogs, TokenTransfer } from '../chain/token-logs';
import type { SaleDetails } from './payloads';

const ZERO = '0x0000000000000000000000000000000000000000';
const ERC20_ABI = ['function name() view returns (string)', 'function symbol() view returns (string)', 'function decimals() view returns (uint8)'];

interface CallFrame {
  to?: string;
  value?: string;
  calls?: CallFrame[];
}

export interface SaleSettings {
  chain: string;
  /** Marketplace contract address (lowercase) → its name, for `marketplace_name`. */
  marketplaces: ReadonlyMap<string, string>;
  native: { name: string; symbol: string; decimals: number };
}

type TokenInfo = SaleDetails['payment_token'];

/**
 * Works out which transfers were sales: the transaction that moved the NFT also paid its sender, in an
 * ERC-20 transfer to them (from the block's logs) or in the chain's coin (from a call trace of the
 * transaction: a marketplace pays the seller in an internal call). Answers the sale per transaction and
 * seller; a node that cannot trace is asked for ERC-20 payments only.
 */
export function saleFinder(provider: JsonRpcProvider, settings: SaleSettings) {
  const tokens = new Map<string, Promise<TokenInfo>>();
  const tokenInfo = (address: string) => {
    let info = tokens.get(address);
    if (!info) {
      const erc20 = new Contract(address, ERC20_ABI, provider);
      info = Promise.all([erc20.name().catch(() => null), erc20.symbol().catch(() => null), erc20.decimals().catch(() => null)])
        .then(([name, symbol, decimals]) => ({
          payment_token_id: `${settings.chain}.${address.toLowerCase()}`, name, symbol, address, decimals: decimals === null ? null : Number(decimals),
        }));
      tokens.set(address, info);
    }
    return info;
  };
  const nativeToken: TokenInfo = { payment_token_id: `${settings.chain}.native`, ...settings.native, address: null };

  async function trace(tx: string): Promise<CallFrame | undefined> {
    try {
      return await provider.send('debug_traceTransaction', [tx, { tracer: 'callTracer' }]) as CallFrame;
    } catch {
      return undefined;
    }
  }

  return async function salesIn(logs: DecodedLogs, transactions: Set<string>): Promise<Map<string, SaleDetails>> {
    const sales = new Map<string, SaleDetails>();
    for (const tx of transactions) {
      const moved = logs.transfers.filter((t) => t.transaction === tx && t.from !== ZERO && t.to !== ZERO);
      const sellers = new Set(moved.map((t) => t.from.toLowerCase()));
      if (sellers.size === 0) continue;
      const root = await trace(tx);
      const marketplace = root?.to ? settings.marketplaces.get(root.to.toLowerCase()) ?? null : null;
      for (const seller of sellers) {
        const sold = moved.filter((t) => t.from.toLowerCase() === seller);
        const paid = await paymentTo(seller, tx, logs, root);
        if (!paid) continue;
        sales.set(saleKey(tx, seller), {
          marketplace_name: marketplace,
          is_bundle_sale: sold.length > 1,
          payment_token: paid.token,
          unit_price: (paid.total / BigInt(sold.length)).toString(),
          total_price: paid.total.toString(),
        });
      }
    }
    return sales;
  };

  async function paymentTo(seller: string, tx: string, logs: DecodedLogs, root: CallFrame | undefined): Promise<{ token: TokenInfo; total: bigint } | undefined> {
    const erc20 = logs.payments.filter((p) => p.transaction === tx && p.to.toLowerCase() === seller);
    if (erc20.length > 0) {
      const token = erc20[0].contract;
      return { token: await tokenInfo(token), total: erc20.filter((p) => p.contract === token).reduce((sum, p) => sum + p.value, 0n) };
    }
    const native = root ? valueSentTo(root, seller) : 0n;
    return native > 0n ? { token: nativeToken, total: native } : undefined;
  }
}

export const saleKey = (tx: string, seller: string) => `${tx}:${seller.toLowerCase()}`;

/** The coin a transaction's calls (the top one included) sent to an address. */
function valueSentTo(frame: CallFrame, address: string): bigint {
  let sum = frame.to && frame.value && getAddress(frame.to).toLowerCase() === address ? BigInt(frame.value) : 0n;
  for (const call of frame.calls ?? []) sum += valueSentTo(call, address);
  return sum;
}

/** The sale a transfer was part of, if its transaction paid its sender. */
export const saleOf = (sales: Map<string, SaleDetails>, t: TokenTransfer) => sales.get(saleKey(t.transaction, t.from)) ?? null;
