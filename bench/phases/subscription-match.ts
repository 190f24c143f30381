import { randomUUID } from 'node:crypto';
import { decodeTokenLogs, TOPICS, type RawLog } from '../../src/chain/token-logs';
import type { Database } from '../../src/db/database';
import type { BlockRef, ChainEventRecord } from '../../src/store/chain-events';
import { collectionsByContract } from '../../src/store/chain-events';
import { holdingsIn } from '../../src/store/owner-holdings';
import { liveSubscriptionsByIds, subscriptionsConcerned } from '../../src/store/subscriptions';
import { matchSubscriptions } from '../../src/subscriptions/match';
import { followOwners, tokenRanges } from '../../src/subscriptions/owners';
import { metadataEvent, transferEvent, type EventTarget } from '../../src/subscriptions/payloads';
import { median, num } from '../stats';

/** A small deterministic generator (mulberry32), so every run builds the same block and subscriptions. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const hex = (bytes: number) => {
    let s = '';
    for (let i = 0; i < bytes; i++) s += Math.floor(next() * 256).toString(16).padStart(2, '0');
    return s;
  };
  return { next, int: (n: number) => Math.floor(next() * n), address: () => `0x${hex(20)}`, hash: () => `0x${hex(32)}` };
}

const ZERO = '0x0000000000000000000000000000000000000000';
const topicOf = (address: string) => `0x${'0'.repeat(24)}${address.slice(2)}`;
const uint256 = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;

/**
 * A block of `logs` ERC-721 Transfer logs as eth_getLogs answers them: over `contracts` contracts (the
 * first ones busier), between a pool of `wallets` addresses, one in ten a mint, in transactions of 1–8 logs.
 */
export function syntheticTransferBlock(opts: { logs: number; contracts: number; wallets: number; seed?: number }) {
  const r = prng(opts.seed ?? 1);
  const contracts = Array.from({ length: opts.contracts }, () => r.address());
  const wallets = Array.from({ length: opts.wallets }, () => r.address());
  const block: BlockRef = { number: 1_000_000, hash: r.hash(), parentHash: r.hash(), timestamp: Math.floor(Date.now() / 1000) };
  const raw: RawLog[] = [];
  let transactionIndex = 0;
  while (raw.length < opts.logs) {
    const transactionHash = r.hash();
    const inTx = Math.min(1 + r.int(8), opts.logs - raw.length);
    // A skewed pick: the first contract carries about half of the block's transfers.
    const contract = contracts[Math.min(opts.contracts - 1, Math.floor(-Math.log2(1 - r.next())))];
    const mint = r.int(10) === 0;
    const from = mint ? ZERO : wallets[r.int(wallets.length)];
    for (let k = 0; k < inTx; k++) {
      const to = wallets[r.int(wallets.length)];
      raw.push({
        address: contract, topics: [TOPICS.transfer, topicOf(from), topicOf(to), uint256(1 + r.int(20_000))], data: '0x',
        logIndex: `0x${raw.length.toString(16)}`, transactionHash,
        // The rest of eth_getLogs' fields, as a node sends them (the decoder ignores them).
        ...{ blockHash: block.hash, blockNumber: `0x${block.number.toString(16)}`, transactionIndex: `0x${transactionIndex.toString(16)}`, removed: false },
      } as RawLog);
    }
    transactionIndex++;
  }
  return { raw, block, contracts, wallets, random: r };
}

/**
 * subscriptions.match: the chain event follower's per-block work without RPC, on a block of `logs` ERC-721
 * transfers against `subscriptions` active subscriptions inserted in the bench's database: decodeTokenLogs,
 * the indexed lookups (subscriptionsConcerned, owners' holdings of the block's tokens, and collectionsByContract as
 * the follower does), matchSubscriptions and followOwners
 * and building the event records (src/subscriptions/payloads.ts) — the follower's eventsAt with no sale
 * details (those need the node) and no metadata updates. CPU (process.cpuUsage of this process) and wall ms per
 * step, median over `repetitions` after one warm-up. The subscriptions are deleted afterwards.
 */
export async function subscriptionMatchPhase(opts: {
  db: Database; projectId: string; chain: string; chainId: number; confirmations: number; logs: number; subscriptions: number; repetitions: number;
}) {
  const { db } = opts;
  const { raw, block, contracts, wallets, random: r } = syntheticTransferBlock({ logs: opts.logs, contracts: 5, wallets: Math.round(opts.logs * 0.75) });
  const tokensInBlock = raw.map((l) => ({ contract: l.address, tokenId: BigInt(l.topics[3]).toString() }));

  // The mix: 60 % wallets, 35 % NFTs, 5 % contracts; a few of each concern the block.
  const n = opts.subscriptions;
  const counts = { wallet: Math.round(n * 0.6), nft: Math.round(n * 0.35), contract: 0 };
  counts.contract = n - counts.wallet - counts.nft;
  const otherContracts = Array.from({ length: 200 }, () => r.address());
  const rows: { kind: string; wallet: string | null; direction: string | null; contract: string | null; tokenId: string | null }[] = [];
  const directions = ['both', 'inbound', 'outbound'];
  for (let i = 0; i < counts.wallet; i++) {
    // 1 in 20 is a wallet of the block's pool.
    const wallet = i % 20 === 0 ? wallets[r.int(wallets.length)] : r.address();
    rows.push({ kind: 'wallet', wallet, direction: directions[i % 3], contract: null, tokenId: null });
  }
  for (let i = 0; i < counts.nft; i++) {
    // 1 in 7 on a contract of the block (the lookup returns them all); a fifth of those name a token it moves.
    if (i % 7 === 0) {
      const t = i % 35 === 0 ? tokensInBlock[r.int(tokensInBlock.length)] : { contract: contracts[r.int(contracts.length)], tokenId: String(20_001 + r.int(100_000)) };
      rows.push({ kind: 'nft', wallet: null, direction: null, contract: t.contract, tokenId: t.tokenId });
    } else {
      rows.push({ kind: 'nft', wallet: null, direction: null, contract: otherContracts[r.int(otherContracts.length)], tokenId: String(1 + r.int(100_000)) });
    }
  }
  for (let i = 0; i < counts.contract; i++) {
    // Two contract subscriptions on the block's busiest contracts, the rest elsewhere.
    rows.push({ kind: 'contract', wallet: null, direction: null, contract: i < 2 ? contracts[i] : r.address(), tokenId: null });
  }
  const ids = rows.map(() => randomUUID());
  await db.query(
    `INSERT INTO subscriptions (id, project_id, chain, chain_id, kind, wallet_address, direction, contract_address, token_id, confirmations, status)
     SELECT id, $1, $2, $3, kind, wallet, direction, contract, token_id::numeric, $4, 'active'
     FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) AS s(id, kind, wallet, direction, contract, token_id)`,
    [opts.projectId, opts.chain, opts.chainId, opts.confirmations, ids, rows.map((x) => x.kind), rows.map((x) => x.wallet), rows.map((x) => x.direction),
      rows.map((x) => x.contract), rows.map((x) => x.tokenId)],
  );
  try {
    // As autovacuum would have by then on a table that grew to this size.
    await db.query('ANALYZE subscriptions');
    const [{ active }] = await db.query<{ active: number }>("SELECT count(*)::int AS active FROM subscriptions WHERE chain_id = $1 AND status = 'active'", [opts.chainId]);

    const runOnce = async () => {
      const steps: Record<'decode' | 'lookup' | 'match' | 'build', { cpuMs: number; wallMs: number }> = {} as never;
      let cpu = process.cpuUsage();
      let wall = performance.now();
      const lap = (name: keyof typeof steps) => {
        const c = process.cpuUsage(cpu);
        const w = performance.now();
        steps[name] = { cpuMs: (c.user + c.system) / 1000, wallMs: w - wall };
        cpu = process.cpuUsage();
        wall = w;
      };
      const logs = decodeTokenLogs(raw);
      lap('decode');
      // From here as in ChainEventFollower.eventsAt.
      const blockContracts = [...new Set([...logs.transfers, ...logs.metadataUpdates].map((l) => l.contract))];
      const blockWallets = [...new Set(logs.transfers.flatMap((t) => [t.from, t.to]))];
      const concerned = await subscriptionsConcerned(db, opts.chainId, opts.confirmations, blockWallets, blockContracts, logs.metadataUpdates.length > 0);
      const held = await holdingsIn(db, opts.chainId, block.number, tokenRanges(logs.transfers, logs.metadataUpdates), { confirmations: opts.confirmations });
      const known = new Set(concerned.map((s) => s.id));
      concerned.push(...(await liveSubscriptionsByIds(db, [...new Set(held.map((h) => h.subscriptionId))].filter((id) => !known.has(id)), opts.confirmations)));
      const collections = await collectionsByContract(db, opts.chainId, blockContracts);
      lap('lookup');
      const owners = followOwners(block, concerned.filter((s) => s.kind === 'owner'), held, logs.transfers, logs.metadataUpdates);
      const matched = [...matchSubscriptions(concerned, logs.transfers, logs.metadataUpdates), ...owners.matched];
      lap('match');
      const collectionOf = (projectId: string, contract: string) =>
        collections.find((c) => c.project_id === projectId && c.contract_address.toLowerCase() === contract.toLowerCase())?.id ?? null;
      const events: ChainEventRecord[] = [];
      for (const m of matched) {
        const target: EventTarget = { projectId: m.subscription.project_id, subscriptionId: m.subscription.id, collectionId: null };
        if ('transfer' in m) {
          target.collectionId = collectionOf(target.projectId, m.transfer.contract);
          events.push(transferEvent(opts.chain, opts.chainId, block, m.type, m.transfer, target, null, null));
        } else {
          target.collectionId = collectionOf(target.projectId, m.update.contract);
          events.push(metadataEvent(opts.chain, opts.chainId, block, m.type, m.update, target, []));
        }
      }
      lap('build');
      const total = Object.values(steps).reduce((sum, s) => ({ cpuMs: sum.cpuMs + s.cpuMs, wallMs: sum.wallMs + s.wallMs }), { cpuMs: 0, wallMs: 0 });
      return { ...total, steps, transfers: logs.transfers.length, concerned: concerned.length, events: events.length };
    };

    await runOnce(); // warm-up: the worker runs this code hot
    const runs: Awaited<ReturnType<typeof runOnce>>[] = [];
    for (let i = 0; i < opts.repetitions; i++) runs.push(await runOnce());
    const med = (f: (x: (typeof runs)[number]) => number) => num(median(runs.map(f)), 1);
    return {
      matchCpuMs: med((x) => x.cpuMs),
      matchWallMs: med((x) => x.wallMs),
      matchedEvents: runs[0].events,
      logs: raw.length,
      transfers: runs[0].transfers,
      subscriptions: n,
      activeSubscriptionsOnChain: active,
      subscriptionMix: counts,
      subscriptionsConcerned: runs[0].concerned,
      blockContracts: contracts.length,
      blockWallets: wallets.length,
      repetitions: opts.repetitions,
      stepsMedian: Object.fromEntries((['decode', 'lookup', 'match', 'build'] as const).map((s) => [s, { cpuMs: med((x) => x.steps[s].cpuMs), wallMs: med((x) => x.steps[s].wallMs) }])),
      cpuMsEachRun: runs.map((x) => num(x.cpuMs, 1)),
    };
  } finally {
    await db.query('DELETE FROM subscriptions WHERE id = ANY($1)', [ids]);
    await db.query('ANALYZE subscriptions');
  }
}
