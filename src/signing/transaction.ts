import { Transaction } from 'ethers';
import type { PreparedTransaction } from './protocol';
import { recoverOffThread } from './recover-off-thread';

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

const FIELDS = ['type', 'chainId', 'nonce', 'to', 'value', 'data', 'gasLimit', 'maxFeePerGas', 'maxPriorityFeePerGas'] as const;

function fieldMismatch(actual: TransactionFields, expected: Transaction): string[] {
  const problems: string[] = [];
  for (const field of FIELDS) {
    const a = String(actual[field] ?? null).toLowerCase();
    const b = String(expected[field] ?? null).toLowerCase();
    if (a !== b) problems.push(`${field} is ${a}, expected ${b}`);
  }
  return problems;
}

const signerMismatch = (signer: string | null, from: string): string[] =>
  !signer ? ['transaction is not signed'] : signer.toLowerCase() !== from.toLowerCase() ? [`signed by ${signer}, expected ${from}`] : [];

/** What differs between a transaction (signed, or seen on chain) and the prepared one signed by `from`. */
export function transactionMismatch(actual: TransactionFields, prepared: PreparedTransaction, from: string): string[] {
  // Read once: on a signed transaction each read recovers the address from the signature again.
  return [...signerMismatch(actual.from, from), ...fieldMismatch(actual, toEthersTransaction(prepared))];
}

/**
 * Checks that a signed transaction is exactly the prepared one, signed by the expected address. When its
 * fields are the prepared ones, its signature is first checked against `unsignedHash` (the hash sent to the
 * signer) instead of encoding the transaction again to recover its signer: ethers' RLP encoding of a batch
 * chunk's 8.5 KB of calldata took about 10 ms a time.
 */
export async function signedTransactionMismatch(raw: string, prepared: PreparedTransaction, from: string, unsignedHash?: string): Promise<string[]> {
  let signed: Transaction;
  try {
    signed = Transaction.from(raw);
  } catch (err) {
    return [`not a valid signed transaction (${(err as Error).message})`];
  }
  const fields = fieldMismatch(signed, toEthersTransaction(prepared));
  if (fields.length === 0 && signed.signature && unsignedHash) {
    const { r, s, yParity } = signed.signature.getCanonical();
    if ((await recoverOffThread(unsignedHash, { r, s, yParity })).toLowerCase() === from.toLowerCase()) return [];
  }
  return [...signerMismatch(signed.from, from), ...fields];
}
