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

type TransactionFields = Pick<Transaction, 'type' | 'chainId' | 'nonce' | 'to' | 'value' | 'data' | 'gasLimit' | 'maxFeePerGas' | 'maxPriorityFeePerGas'> & {
  from: string | null;
};

/** What differs between a transaction (signed, or seen on chain) and the prepared one signed by `from`. */
export function transactionMismatch(actual: TransactionFields, prepared: PreparedTransaction, from: string): string[] {
  const expected = toEthersTransaction(prepared);
  const problems: string[] = [];
  // Read once: on a signed transaction each read recovers the address from the signature again.
  const signer = actual.from;
  if (!signer) problems.push('transaction is not signed');
  else if (signer.toLowerCase() !== from.toLowerCase()) problems.push(`signed by ${signer}, expected ${from}`);
  const fields = ['type', 'chainId', 'nonce', 'to', 'value', 'data', 'gasLimit', 'maxFeePerGas', 'maxPriorityFeePerGas'] as const;
  for (const field of fields) {
    const a = String(actual[field] ?? null).toLowerCase();
    const b = String(expected[field] ?? null).toLowerCase();
    if (a !== b) problems.push(`${field} is ${a}, expected ${b}`);
  }
  return problems;
}

/** Checks that a signed transaction is exactly the prepared one, signed by the expected address. */
export function signedTransactionMismatch(raw: string, prepared: PreparedTransaction, from: string): string[] {
  let signed: Transaction;
  try {
    signed = Transaction.from(raw);
  } catch (err) {
    return [`not a valid signed transaction (${(err as Error).message})`];
  }
  return transactionMismatch(signed, prepared, from);
}
