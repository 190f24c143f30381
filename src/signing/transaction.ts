import { Transaction } from 'ethers';
import type { PreparedTransaction } from './protocol';

export function toEthersTransaction(tx: PreparedTransaction): Transaction {
  return Transaction.from({
    type: 2,
    chainId: tx.chainId,
    nonce: tx.nonce,
    to: tx.to,
    value: BigInt(tx.value),
    data: tx.data,
    gasLimit: BigInt(tx.gasLimit),
    maxFeePerGas: BigInt(tx.maxFeePerGas),
    maxPriorityFeePerGas: BigInt(tx.maxPriorityFeePerGas),
  });
}

/**
 * Checks that a signed transaction is exactly the prepared one, signed by the expected address;
 * returns what differs (empty when it matches).
 */
export function signedTransactionMismatch(raw: string, prepared: PreparedTransaction, from: string): string[] {
  let signed: Transaction;
  try {
    signed = Transaction.from(raw);
  } catch (err) {
    return [`not a valid signed transaction (${(err as Error).message})`];
  }
  const expected = toEthersTransaction(prepared);
  const problems: string[] = [];
  if (!signed.signature || !signed.from) problems.push('transaction is not signed');
  else if (signed.from.toLowerCase() !== from.toLowerCase()) problems.push(`signed by ${signed.from}, expected ${from}`);
  const fields = ['type', 'chainId', 'nonce', 'to', 'value', 'data', 'gasLimit', 'maxFeePerGas', 'maxPriorityFeePerGas'] as const;
  for (const field of fields) {
    const a = String(signed[field] ?? null).toLowerCase();
    const b = String(expected[field] ?? null).toLowerCase();
    if (a !== b) problems.push(`${field} is ${a}, expected ${b}`);
  }
  return problems;
}
