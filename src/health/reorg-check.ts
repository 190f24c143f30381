import type { JsonRpcProvider } from 'ethers';
import type { ChainRegistry } from '../chain/chains';
import type { Database } from '../db/database';
import type { ApiUrls } from '../domain';
import type { LogFn } from '../log';
import type { Metrics } from '../observability/metrics';
import { actionsBeingResent, actionsMinedSince, forgetSignedTransactions, moveMinedBlock, type MinedAction, type MinedBlock } from '../store/actions';
import { recordReorgEvent } from '../webhooks/reorg-event';

export interface ReorgCheckDeps {
  db: Database;
  chains: ChainRegistry;
  urls: ApiUrls;
  metrics: Metrics;
  log: LogFn;
  wakeDispatcher(): void;
  /** How many blocks below the head the check looks at. */
  depth: number;
}

/** Blocks read at once. */
const READS_IN_PARALLEL = 8;

// Straight JSON-RPC reads: ethers keeps results for a moment, and a reorg may have changed them since.
const read = (provider: JsonRpcProvider, method: string, params: unknown[]) => provider.send(method, params);

/** Where the transaction is mined now, if it is. */
async function minedAt(provider: JsonRpcProvider, hash: string): Promise<(MinedBlock & { success: boolean }) | null> {
  const receipt = await read(provider, 'eth_getTransactionReceipt', [hash]);
  return receipt && { number: Number(receipt.blockNumber), hash: receipt.blockHash, success: Number(receipt.status) === 1 };
}

/** A transaction the node no longer knows is sent again; false when there is nothing to send it with. */
async function sendAgainIfForgotten(provider: JsonRpcProvider, action: MinedAction): Promise<boolean> {
  if (await read(provider, 'eth_getTransactionByHash', [action.tx_hash])) return true;
  if (!action.signed_transaction) return false;
  await provider.send('eth_sendRawTransaction', [action.signed_transaction]);
  return true;
}

/**
 * One round of the reorg check of a chain, for completed actions whose block is within `depth` of the
 * head (a reorg deeper than the confirmations, which the follower no longer watches for them). A recorded
 * block no longer canonical is looked up again: the transaction mined in another block moves the action
 * there; one not mined is sent again (from the transaction kept with the action) and watched by the next
 * rounds until it is mined and confirmed again. Either way `actions.reorged` is recorded once per replaced
 * block, in the transaction that moves the action.
 */
export function reorgCheck(deps: ReorgCheckDeps) {
  const { db, chains, urls, metrics, log } = deps;

  async function canonicalHashes(provider: JsonRpcProvider, numbers: number[]): Promise<Map<number, string | null>> {
    const hashes = new Map<number, string | null>();
    for (let i = 0; i < numbers.length; i += READS_IN_PARALLEL) {
      await Promise.all(numbers.slice(i, i + READS_IN_PARALLEL).map(async (n) => {
        const block = await read(provider, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, false]);
        hashes.set(n, block?.hash ?? null);
      }));
    }
    return hashes;
  }

  async function move(action: MinedAction, from: { number: number; hash: string | null }, to: MinedBlock | null): Promise<boolean> {
    const moved = await db.transaction(async (tx) => {
      if (!(await moveMinedBlock(tx, action.id, from, to))) return false;
      if (from.hash) await recordReorgEvent(tx, action, { number: from.number, hash: from.hash }, to, urls);
      return true;
    });
    if (moved && from.hash) deps.wakeDispatcher();
    return moved;
  }

  async function relocate(provider: JsonRpcProvider, chain: string, action: MinedAction) {
    const mined = await minedAt(provider, action.tx_hash);
    const replaced = { number: action.block_number, hash: action.block_hash! };
    const now = mined && { number: mined.number, hash: mined.hash };
    if (!(await move(action, replaced, now))) return;
    metrics.actionsReorged.inc({ chain, outcome: now ? 'moved' : 'resent' });
    log('completed action reorged', { chain, actionId: action.id, txHash: action.tx_hash, previousBlock: replaced, block: now });
    if (mined && mined.success !== (action.status === 'succeeded')) {
      log('reorged action has another outcome where it is now', { chain, actionId: action.id, recorded: action.status, success: mined.success });
    }
    if (!now) await resend(provider, chain, action);
  }

  async function resend(provider: JsonRpcProvider, chain: string, action: MinedAction) {
    try {
      if (!(await sendAgainIfForgotten(provider, action))) log('reorged-out transaction cannot be sent again: not kept (the signer sent it)', { chain, actionId: action.id });
    } catch (err) {
      log('reorged-out transaction not sent again', { chain, actionId: action.id, txHash: action.tx_hash, error: (err as Error).message });
    }
  }

  /** A transaction sent again after a reorg: recorded where it is once it has the chain's confirmations there. */
  async function watch(provider: JsonRpcProvider, chain: string, confirmations: number, head: number, action: MinedAction) {
    const mined = await minedAt(provider, action.tx_hash);
    if (!mined) return resend(provider, chain, action);
    if (head - mined.number + 1 < confirmations) return;
    const block = { number: mined.number, hash: mined.hash };
    if (await move(action, { number: action.block_number, hash: null }, block)) {
      log('reorged-out transaction mined again', { chain, actionId: action.id, txHash: action.tx_hash, block });
    }
  }

  return async function checkReorgs(chainId: number) {
    const { name: chain, confirmations } = chains.byId(chainId);
    const provider = chains.provider(chainId);
    const head = Number(await read(provider, 'eth_blockNumber', []));
    const fromBlock = Math.max(0, head - deps.depth + 1);
    const recorded = await actionsMinedSince(db, chainId, fromBlock);
    const canonical = await canonicalHashes(provider, [...new Set(recorded.map((a) => a.block_number))]);
    for (const action of recorded) {
      if (canonical.get(action.block_number) !== action.block_hash) await relocate(provider, chain, action);
    }
    for (const action of await actionsBeingResent(db, chainId, fromBlock)) await watch(provider, chain, confirmations, head, action);
    await forgetSignedTransactions(db, chainId, fromBlock);
  };
}
