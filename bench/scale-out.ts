import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KNOBS, RECIPIENT } from './config';
import { floorPhase } from './phases/floor';
import { machineBusySeconds } from './proc';
import { say, startBenchStack } from './stack';
import { percentile, pollUntil, round, runPool } from './stats';

/**
 * `npm run bench:scale-out`: the production shape on this machine (bench/stack.ts: API and worker processes of
 * their own, a fresh PostgreSQL database beside BENCH_DATABASE_URL) on each Temporal server in turn in the same
 * run: the Temporal cluster (frontend, history, matching and worker as processes, on PostgreSQL) and the dev
 * server (one process, SQLite). Per server: the trivial-workflow floor, completed mints per second with 1 api +
 * 1 worker and 2 + 2, accept (POST) latency, and the cores each Temporal service and each engine process used.
 * Writes bench/results/scale-out-<time>.json and prints tables.
 */
const MINTS = Number(process.env.BENCH_SCALE_MINTS ?? 120);
/** Each configuration runs once per round, the rounds interleaved, so drift on the machine hits all alike. */
const ROUNDS = Number(process.env.BENCH_SCALE_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SERVERS = (process.env.BENCH_SCALE_TEMPORAL ?? 'cluster,dev-server').split(',') as ('cluster' | 'dev-server')[];

async function onServer(temporal: 'cluster' | 'dev-server') {
  const stack = await startBenchStack({ adminUrl: KNOBS.databaseUrl, name: 'scale', temporal });
  try {
    const { db, apiKey, processes, startApi, startWorker, stopWorker } = stack;
    say(`${temporal}: floor, ${KNOBS.floorWorkflows} trivial workflows at concurrency ${KNOBS.concurrency}`);
    const floor = await floorPhase({ temporalAddress: stack.temporalAddress, count: KNOBS.floorWorkflows, concurrency: KNOBS.concurrency });

    const post = async (base: string, urlPath: string, body: unknown) => {
      const res = await fetch(`${base}${urlPath}`, { method: 'POST', headers: { 'x-api-key': apiKey, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    const waitForAll = (ids: string[]) => pollUntil(async () => {
      const [row] = await db.query<{ pending: number; succeeded: number; last: Date }>(
        `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
           max(completed_at) AS last FROM actions WHERE id = ANY($1)`, [ids]);
      return row.pending === 0 ? row : undefined;
    }, { timeoutMs: 120_000 + ids.length * 1_000, what: () => `${ids.length} actions still pending` });

    /** Seconds of CPU by part of the stack (each Temporal service, anvil, signer, all APIs, all workers) and by engine process. */
    const cpu = (): Record<string, number> => ({ machine: machineBusySeconds(), ...stack.cpuByPart(), ...stack.cpuByProcess() });
    /** MINTS mints spread over the APIs; accept latency and completed mints per second. */
    const phase = async (name: string, apis: string[], collectionId: string) => {
      say(`${temporal}: ${name}: ${MINTS} mints at concurrency ${CONCURRENCY}`);
      const cpuBefore = cpu();
      const latency: number[] = [];
      const ids: string[] = [];
      const startedAt = Date.now();
      await runPool(MINTS, CONCURRENCY, async (i) => {
        const t0 = performance.now();
        const res = await post(apis[i % apis.length], `/v1/collections/${collectionId}/nfts`, { recipient: RECIPIENT, metadata: { name: `${name} ${i}` } });
        latency.push(performance.now() - t0);
        if (res.status !== 202) throw new Error(`mint refused: ${JSON.stringify(res.body)}`);
        ids.push(res.body.actionId);
      });
      const done = await waitForAll(ids);
      const seconds = (new Date(done.last).getTime() - startedAt) / 1000;
      const cpuAfter = cpu();
      const wall = (Date.now() - startedAt) / 1000;
      return {
        name, apis: apis.length, workers: processes.filter((p) => p.role === 'worker').length, succeeded: done.succeeded,
        /** Share of one core each part used during the phase (2.0 = both cores of a 2-core machine). */
        coresUsed: Object.fromEntries(Object.keys(cpuAfter).filter((k) => k in cpuBefore).map((k) => [k, round((cpuAfter[k] - cpuBefore[k]) / wall, 2)])),
        seconds: round(seconds, 2), mintsPerSecond: round(done.succeeded / seconds, 2),
        acceptLatencyMs: { p50: round(percentile(latency, 50)), p99: round(percentile(latency, 99)) },
      };
    };

    const apis = [await startApi(), await startApi()];
    await startWorker();
    const collection = await post(apis[0], '/v1/collections', { chain: 'anvil', name: 'Scale', symbol: 'SCL' });
    await waitForAll([collection.body.actionId]);
    const collectionId = (await db.query<{ id: string }>('SELECT id FROM collections WHERE action_id = $1', [collection.body.actionId]))[0].id;

    const phases: ({ round: number } & Awaited<ReturnType<typeof phase>>)[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      phases.push({ round, ...(await phase('1 api, 1 worker', apis.slice(0, 1), collectionId)) });
      await startWorker();
      phases.push({ round, ...(await phase('2 apis, 2 workers', apis, collectionId)) });
      await stopWorker();
    }
    const median = (values: number[]) => percentile(values, 50);
    const summary = [...new Set(phases.map((r) => r.name))].map((name) => {
      const runs = phases.filter((r) => r.name === name);
      const parts = Object.keys(runs[0].coresUsed);
      return {
        name,
        mintsPerSecond: { median: median(runs.map((r) => r.mintsPerSecond)), runs: runs.map((r) => r.mintsPerSecond) },
        acceptLatencyMs: { p50: median(runs.map((r) => r.acceptLatencyMs.p50)), p99: median(runs.map((r) => r.acceptLatencyMs.p99)) },
        coresUsed: Object.fromEntries(parts.map((k) => [k, median(runs.map((r) => r.coresUsed[k]))])),
      };
    });
    return { temporal, floor, summary, phases };
  } finally {
    await stack.stop();
  }
}

async function main() {
  const servers = [];
  for (const temporal of SERVERS) servers.push(await onServer(temporal));
  const result = {
    benchmark: 'scale-out',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version, loadAverage: os.loadavg().map((l) => round(l, 2)) },
    setup: {
      mintsPerPhase: MINTS, rounds: ROUNDS, concurrency: CONCURRENCY, floorWorkflows: KNOBS.floorWorkflows, floorConcurrency: KNOBS.concurrency,
      chain: 'anvil', blockTimeSeconds: 1, confirmations: 2, database: 'PostgreSQL',
      temporal: { cluster: 'Temporal cluster: frontend, history, matching, worker as processes, PostgreSQL, 4 history shards', 'dev-server': 'dev server (SQLite, WAL)' },
    },
    servers,
  };
  const out = path.join(__dirname, 'results');
  mkdirSync(out, { recursive: true });
  const file = path.join(out, `scale-out-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n| scale-out: ${MINTS} mints per phase, ${ROUNDS} rounds, concurrency ${CONCURRENCY} | floor, workflows/s | accept p50 / p99 (median) | completed mints/s: median (each round) |`);
  console.log('| --- | --- | --- | --- |');
  for (const s of servers) {
    for (const r of s.summary) console.log(`| ${s.temporal}, ${r.name} | ${s.floor.workflowsPerSecond} | ${r.acceptLatencyMs.p50} / ${r.acceptLatencyMs.p99} ms | ${r.mintsPerSecond.median} (${r.mintsPerSecond.runs.join(', ')}) |`);
  }
  for (const s of servers) {
    const parts = [...new Set(s.summary.flatMap((r) => Object.keys(r.coresUsed)))];
    console.log(`\n| ${s.temporal}: cores used (median of rounds) | ${parts.join(' | ')} |`);
    console.log(`| --- |${' --- |'.repeat(parts.length)}`);
    for (const r of s.summary) console.log(`| ${r.name} | ${parts.map((k) => r.coresUsed[k] ?? '–').join(' | ')} |`);
  }
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
