import { Router } from 'express';
import type { ChainRegistry } from '../../chain/chains';
import type { Queryable } from '../../db/database';
import {
  deleteSubscription, findProjectSubscription, insertSubscription, listSubscriptions, setSubscriptionStatus, type SubscriptionRow,
} from '../../store/subscriptions';
import { MAX_BACKFILL_BLOCKS } from '../../subscriptions/event-follower';
import { projectOf } from '../auth';
import { decodeCursor, encodeCursor } from '../cursor';
import { fieldProblem, notFound, parseInput, Problem } from '../problem';
import { createSubscriptionBody, idParam, listQuery, updateSubscriptionBody } from '../schemas';

const iso = (d: Date) => new Date(d).toISOString();

export function presentSubscription(s: SubscriptionRow) {
  return {
    id: s.id,
    chain: s.chain,
    kind: s.kind,
    ...(s.kind === 'wallet' ? { address: s.wallet_address, direction: s.direction } : {}),
    ...(s.kind === 'owner' ? { address: s.wallet_address } : {}),
    ...(s.kind === 'nft' || s.kind === 'contract' ? { contractAddress: s.contract_address } : {}),
    ...(s.kind === 'nft' ? { tokenId: String(s.token_id) } : {}),
    confirmations: s.confirmations,
    fromBlock: s.from_block === null ? null : Number(s.from_block),
    backfilling: s.backfill_next !== null,
    status: s.status,
    createdAt: iso(s.created_at),
    updatedAt: iso(s.updated_at),
  };
}

/** A back-fill reaches at most MAX_BACKFILL_BLOCKS behind the chain's head, and never past it. */
async function checkFromBlock(chains: ChainRegistry, chainId: number, fromBlock: number) {
  const head = await chains.provider(chainId).getBlockNumber().catch(() => {
    throw new Problem(503, 'chain_unreachable', 'The chain cannot be asked for its head', 'fromBlock is checked against the chain\'s head; try again');
  });
  if (fromBlock > head) throw fieldProblem([{ field: 'body.fromBlock', message: `block ${fromBlock} is beyond the chain's head (${head})` }]);
  if (fromBlock < head - MAX_BACKFILL_BLOCKS) {
    throw fieldProblem([{ field: 'body.fromBlock', message: `a back-fill reaches at most ${MAX_BACKFILL_BLOCKS} blocks back: from ${head - MAX_BACKFILL_BLOCKS} (the head is ${head})` }]);
  }
}

/** Subscriptions to chain events: what a project follows on a chain; events go to its webhook endpoints. */
export function subscriptionRoutes({ db, chains }: { db: Queryable; chains: ChainRegistry }): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = parseInput(createSubscriptionBody, req.body);
    const chain = chains.byName(body.chain);
    if (!chain) {
      throw fieldProblem([{ field: 'body.chain', message: `unknown chain '${body.chain}'; configured: ${chains.chains.map((c) => c.name).join(', ')}` }]);
    }
    if (body.fromBlock !== undefined) await checkFromBlock(chains, chain.chainId, body.fromBlock);
    const row = await insertSubscription(db, {
      projectId: projectOf(res).id,
      chain: chain.name,
      chainId: chain.chainId,
      kind: body.kind,
      confirmations: body.confirmations ?? chain.confirmations,
      fromBlock: body.fromBlock,
      ...(body.kind === 'wallet' ? { walletAddress: body.address, direction: body.direction } : {}),
      ...(body.kind === 'owner' ? { walletAddress: body.address } : {}),
      ...(body.kind === 'nft' ? { contractAddress: body.contractAddress, tokenId: body.tokenId } : {}),
      ...(body.kind === 'contract' ? { contractAddress: body.contractAddress } : {}),
    });
    res.status(201).json(presentSubscription(row));
  });

  router.get('/', async (req, res) => {
    const { limit, cursor } = parseInput(listQuery, req.query, 'query');
    const before = cursor ? decodeCursor(cursor) : undefined;
    const rows = await listSubscriptions(db, projectOf(res).id, limit, before && { createdAt: before.at, id: before.id });
    const last = rows.at(-1);
    res.json({ data: rows.map(presentSubscription), nextCursor: rows.length === limit && last ? encodeCursor(last.created_at, last.id) : null });
  });

  router.get('/:id', async (req, res) => {
    const id = parseInput(idParam, req.params.id, 'path.id');
    const row = await findProjectSubscription(db, projectOf(res).id, id);
    if (!row) throw notFound('subscription', id);
    res.json(presentSubscription(row));
  });

  /** Pauses (no events are recorded for it meanwhile) or resumes a subscription. */
  router.patch('/:id', async (req, res) => {
    const id = parseInput(idParam, req.params.id, 'path.id');
    const { status } = parseInput(updateSubscriptionBody, req.body);
    const row = await setSubscriptionStatus(db, projectOf(res).id, id, status);
    if (!row) throw notFound('subscription', id);
    res.json(presentSubscription(row));
  });

  router.delete('/:id', async (req, res) => {
    const id = parseInput(idParam, req.params.id, 'path.id');
    if (!(await deleteSubscription(db, projectOf(res).id, id))) throw notFound('subscription', id);
    res.status(204).end();
  });

  return router;
}
