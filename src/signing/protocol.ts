import { z } from 'zod';
import type { CallInfo } from '../domain';

/** The EIP-1559 transaction the engine built, all integers as decimal strings. */
export const preparedTransactionSchema = z.object({
  type: z.literal(2),
  chainId: z.number().int(),
  nonce: z.number().int().nonnegative(),
  to: z.string().nullable(),
  value: z.string(),
  data: z.string(),
  gasLimit: z.string(),
  maxFeePerGas: z.string(),
  maxPriorityFeePerGas: z.string(),
});
export type PreparedTransaction = z.infer<typeof preparedTransactionSchema>;

/**
 * `replacement`: the action's transaction again at its nonce with higher fees (the first was stuck);
 * `cancel`: a zero-value transfer to self at the action's nonce, replacing its transaction.
 */
export const signPurposeSchema = z.enum(['action', 'replacement', 'cancel', 'nonce_gap_filler']);
export type SignPurpose = z.infer<typeof signPurposeSchema>;

/** Body of the engine's POST to a project's signing endpoint. */
export interface SignRequest {
  type: 'transaction.sign';
  purpose: SignPurpose;
  actionId: string;
  projectId: string;
  chain: string;
  chainId: number;
  from: string;
  transaction: PreparedTransaction;
  /** EIP-2718 serialization of the unsigned transaction, and the digest a signer signs. */
  unsignedTransaction: string;
  signingHash: string;
  description: { summary: string } & Omit<CallInfo, 'calldata'>;
}

export const signResponseSchema = z.union([
  z.object({ signedTransaction: z.string().regex(/^0x[0-9a-fA-F]+$/) }),
  z.object({ transactionHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/) }),
]);
export type SignResponse = z.infer<typeof signResponseSchema>;
