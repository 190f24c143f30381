import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Api } from '../api';
import { RECIPIENT } from '../config';
import { cpuSeconds } from '../proc';
import { countsBetween } from '../rpc-proxy';
import type { Arrival } from '../receiver';
import type { BenchStack, EngineRole } from '../stack';
import { scrapeCounter } from '../stack';
import { num, p50p99, pollUntil, runPool, sleep } from '../stats';

const DB_STATEMENTS = 'nft_engine_db_statements_total';

export interface SingleContext {
  stack: BenchStack;
  api: Api;
  apiProcess: EngineRole;
  worker: EngineRole;
  collectionId: string;
  concurrency: number;
  /** The receiver's arrivals (an endpoint subscribed to every event is registered). */
  arrivals: Arrival[];
}

/**
 * `count` single ERC-721 mints through the API, `concurrency` POSTs at a time (or, with inFlight,
 * `concurrency` mints in flight: the next POST once a mint completed); completion read from the
 * engine's database by the bench (so no status polling adds to the engine's counts). Seconds from the first
 * POST to the last completedAt. Per mint: worker CPU, database statements (api + worker, from /metrics),
 * JSON-RPC calls by method (from the proxy); measured until every mint's webhook arrived, so a mint's cost
 * includes its event's delivery.
 */
export async function singleMints(ctx: SingleContext, count: number, label: string, opts: { inFlight?: boolean } = {}) {
  const { stack, api } = ctx;
  const dbStatements = async () => (await scrapeCounter(ctx.apiProcess.url, DB_STATEMENTS)) + (await scrapeCounter(ctx.worker.url, DB_STATEMENTS));
  const before = { workerCpu: cpuSeconds(ctx.worker.child.pid), db: await dbStatements(), rpc: stack.proxy.snapshot(), cpu: stack.cpuByPart(), at: performance.now() };
  const [{ stored }] = await stack.db.query<{ stored: number }>('SELECT count(*)::int AS stored FROM actions');
  const postLatency: number[] = [];
  const ids: string[] = [];
  const timeoutMs = 120_000 + count * 300;
  const deadline = Date.now() + timeoutMs;
  const completion = opts.inFlight ? completionWatcher(stack, deadline) : undefined;
  const firstPost = Date.now();
  try {
    await runPool(count, ctx.concurrency, async (i) => {
      const t0 = performance.now();
      const res = await api('POST', `/v1/collections/${ctx.collectionId}/nfts`, { recipient: RECIPIENT, metadata: { name: `${label} ${i}` } });
      postLatency.push(performance.now() - t0);
      if (res.status !== 202) throw new Error(`mint ${i} refused: ${res.status} ${JSON.stringify(res.body)}`);
      ids.push(res.body.actionId);
      // In-flight mode: the slot is free only once the mint completed.
      if (completion) await completion.done(res.body.actionId);
    });
  } finally {
    await completion?.stop();
  }
  let last: unknown;
  const done = await pollUntil(async () => {
    const [row] = await stack.db.query<{ pending: number; succeeded: number; failed: number; last: Date | null }>(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
         count(*) FILTER (WHERE status = 'failed')::int AS failed, max(completed_at) AS last FROM actions WHERE id = ANY($1)`, [ids]);
    last = row;
    return row.pending === 0 ? row : undefined;
  }, { timeoutMs: Math.max(1_000, deadline - Date.now()), intervalMs: 500, what: () => `${label}: mints still pending ${JSON.stringify(last)}` });
  const seconds = (new Date(done.last!).getTime() - firstPost) / 1000;

  // Every mint's event at the receiver (subscribed to all events): action completed → arrival.
  const idSet = new Set(ids);
  const arrived = await pollUntil(async () => {
    // The first arrival of each mint's event (a delivery may be retried).
    const first = new Map<string, Arrival>();
    for (const a of ctx.arrivals) if (idSet.has(a.event.actionId) && a.event.type.startsWith('nfts.create.') && !first.has(a.event.actionId)) first.set(a.event.actionId, a);
    return first.size >= count ? [...first.values()] : undefined;
  }, { timeoutMs: 180_000, intervalMs: 250, what: () => `${label}: not every mint's webhook arrived` }).catch((err) => {
    console.error(`[bench] ${(err as Error).message}`);
    return ctx.arrivals.filter((a) => idSet.has(a.event.actionId));
  });
  const webhookLatency = arrived.filter((a) => a.event.completedAt).map((a) => a.at - Date.parse(a.event.completedAt!));

  const after = { workerCpu: cpuSeconds(ctx.worker.child.pid), db: await dbStatements(), rpc: stack.proxy.snapshot(), cpu: stack.cpuByPart(), at: performance.now() };
  const rpcByMethod = countsBetween(before.rpc, after.rpc);
  const rpcTotal = Object.values(rpcByMethod).reduce((a, b) => a + b, 0);
  const wall = (after.at - before.at) / 1000;
  return {
    ids,
    result: {
      mints: count, concurrency: ctx.concurrency, load: opts.inFlight ? 'mints in flight' : 'POSTs in flight', actionsStoredBefore: stored, succeeded: done.succeeded, failed: done.failed,
      seconds: num(seconds, 2),
      mintsPerSecond: num(done.succeeded / seconds, 2),
      perMintMs: num((seconds * 1000) / count, 1),
      postLatencyMs: p50p99(postLatency),
      workerCpuMsPerMint: num(((after.workerCpu - before.workerCpu) * 1000) / count, 1),
      dbStatementsPerMint: num((after.db - before.db) / count, 1),
      rpcCallsPerMint: num(rpcTotal / count, 1),
      rpcCallsPerMintByMethod: Object.fromEntries(Object.entries(rpcByMethod).sort(([, a], [, b]) => b - a).map(([m, n]) => [m, num(n / count, 2)])),
      /** Share of one core each part of the stack used from the first POST until the last webhook arrived. */
      coresUsed: Object.fromEntries(Object.keys(after.cpu).map((k) => [k, num((after.cpu[k]! - before.cpu[k]!) / wall, 2)])),
      webhookCompletionToArrivalMs: p50p99(webhookLatency),
    },
  };
}

/** Resolves done(id) once the action is no longer pending in the engine's database (polled every 200 ms). */
function completionWatcher(stack: BenchStack, deadline: number) {
  const waiters = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
  let watching = true;
  const loop = (async () => {
    while (watching) {
      const ids = [...waiters.keys()];
      if (ids.length > 0) {
        const rows = await stack.db.query<{ id: string }>(`SELECT id FROM actions WHERE id = ANY($1) AND status <> 'pending'`, [ids]);
        for (const { id } of rows) {
          waiters.get(id)?.resolve();
          waiters.delete(id);
        }
      }
      if (Date.now() > deadline) {
        for (const w of waiters.values()) w.reject(new Error(`${waiters.size} mints still pending at the phase's time limit`));
        waiters.clear();
      }
      await sleep(200);
    }
  })();
  return {
    done: (id: string) => new Promise<void>((resolve, reject) => { waiters.set(id, { resolve, reject }); }),
    async stop() {
      watching = false;
      await loop;
    },
  };
}

const { EventType } = temporal.api.enums.v1;

/** Workflow tasks and history events per mint, from the histories of `sample` of the mints' action workflows. */
export async function historyCounts(temporalAddress: string, ids: string[], sample: number) {
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const picked = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / sample)) === 0).slice(0, sample);
    const tasks: number[] = [];
    const events: number[] = [];
    const markers: number[] = [];
    const activities: number[] = [];
    for (const id of picked) {
      const history = await client.workflow.getHandle(`action-${id}`).fetchHistory();
      const list = history.events ?? [];
      events.push(list.length);
      tasks.push(list.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length);
      markers.push(list.filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED).length);
      activities.push(list.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).length);
    }
    const mean = (v: number[]) => num(v.reduce((a, b) => a + b, 0) / v.length, 2);
    return {
      sampled: picked.length, workflowTasksPerMint: mean(tasks), historyEventsPerMint: mean(events),
      localActivityMarkersPerMint: mean(markers), activitiesPerMint: mean(activities), historyEventsMax: Math.max(...events),
    };
  } finally {
    await connection.close();
  }
}
