import { AbiCoder, isCallException, type Interface, type JsonRpcProvider } from 'ethers';

/** A readable revert reason ("execution reverted: MaxSupplyExceeded(1, 2, 2, 1)"), or undefined if not a revert. */
export function describeRevert(err: unknown, abi: Interface): string | undefined {
  if (!isCallException(err)) return undefined;
  if (err.data && err.data !== '0x') {
    try {
      const custom = abi.parseError(err.data);
      if (custom) return `execution reverted: ${custom.name}(${custom.args.map(String).join(', ')})`;
    } catch {
      // not one of the collection's errors: fall through to what ethers decoded
    }
  }
  if (err.revert) return `execution reverted: ${err.revert.name}(${err.revert.args.map(String).join(', ')})`;
  return `execution reverted${err.reason ? `: ${err.reason}` : ''}`;
}

/** The outermost frame of a callTracer trace: `error` when the transaction failed, `output` its revert data. */
interface TracedCall {
  error?: string;
  output?: string;
}

/**
 * Why a mined transaction failed. Its trace runs it again at its own place in its block, so it sees what the
 * transactions before it in that block changed: the usual reason a transaction whose estimate passed reverts.
 * A node that cannot trace gets a replay of the call on the state after the block, which holds those changes
 * too, though also those of the transactions after it.
 */
export async function minedRevertReason(provider: JsonRpcProvider, txHash: string, abi: Interface): Promise<string> {
  // Public nodes often leave out the debug namespace.
  const traced: TracedCall | null = await provider.send('debug_traceTransaction', [txHash, { tracer: 'callTracer' }]).catch(() => null);
  if (!traced?.error) return replayedRevertReason(provider, txHash, abi);
  // Without revert data the trace's error is all there is to tell (a bare revert, out of gas).
  if (!traced.output || traced.output === '0x') return traced.error;
  return describeRevert(AbiCoder.getBuiltinCallException('call', {}, traced.output), abi) ?? traced.error;
}

async function replayedRevertReason(provider: JsonRpcProvider, txHash: string, abi: Interface): Promise<string> {
  const tx = await provider.getTransaction(txHash);
  if (!tx?.blockNumber) throw new Error(`transaction ${txHash} is not mined`);
  try {
    await provider.call({ from: tx.from, to: tx.to, data: tx.data, value: tx.value, blockTag: tx.blockNumber });
    return 'execution reverted';
  } catch (err) {
    return describeRevert(err, abi) ?? 'execution reverted';
  }
}
