import type { FeeData } from 'ethers';

export interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/** Nodes replace a pending transaction only for ≥ 10 % higher fees; 12.5 % leaves room for rounding and rules that ask more. */
const bump = (wei: bigint) => (wei * 1125n + 999n) / 1000n;
const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** A chain's configured fee cap, in wei. */
export const feeCapOf = (chain: { maxFeePerGas?: string }) => (chain.maxFeePerGas === undefined ? undefined : BigInt(chain.maxFeePerGas));

/** The chain's current EIP-1559 fees (ethers prices maxFeePerGas at twice the base fee plus the tip), under the cap. */
export function currentFees(data: FeeData, chainName: string, cap?: bigint): Fees {
  if (data.maxFeePerGas === null || data.maxPriorityFeePerGas === null) throw new Error(`chain ${chainName} has no EIP-1559 fees`);
  const maxFeePerGas = cap === undefined ? data.maxFeePerGas : min(data.maxFeePerGas, cap);
  return { maxFeePerGas, maxPriorityFeePerGas: min(data.maxPriorityFeePerGas, maxFeePerGas) };
}

/**
 * Fees for a transaction that replaces `last` at the same nonce: the chain's current fees, but both at least
 * 12.5 % over the last ones (`current` already under the cap), or undefined when the cap leaves no room for that.
 */
export function replacementFees(last: Fees, current: Fees, cap?: bigint): Fees | undefined {
  const maxPriorityFeePerGas = max(bump(last.maxPriorityFeePerGas), current.maxPriorityFeePerGas);
  const maxFeePerGas = max(max(bump(last.maxFeePerGas), current.maxFeePerGas), maxPriorityFeePerGas);
  if (cap !== undefined && maxFeePerGas > cap) return undefined;
  return { maxFeePerGas, maxPriorityFeePerGas };
}
