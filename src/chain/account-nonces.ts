import type { JsonRpcProvider } from 'ethers';

/** What the chain says of an address: `latest` counts mined transactions, `pending` adds the mempool. */
export async function accountNonces(provider: JsonRpcProvider, address: string): Promise<{ latest: number; pending: number }> {
  const [latest, pending] = await Promise.all([
    provider.getTransactionCount(address, 'latest'),
    provider.getTransactionCount(address, 'pending'),
  ]);
  return { latest, pending };
}
