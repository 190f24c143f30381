import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KNOBS, RECIPIENT } from './config';
import { machineBusySeconds } from './proc';
import { say, startBenchStack } from './stack';
import { percentile, pollUntil, round, runPool } from './stats';

/**
 * `npm run bench:scale-out`: the production shape on this machine (bench/stack.ts: API and worker processes
 * of their own on one Temporal dev server and a fresh PostgreSQL database beside BENCH_DATABASE_URL).
 * Completed mints per second with 1 and with 2 workers, and accept (POST) latency with 1 and with 2 APIs.
 * Writes bench/results/scale-out-<time>.json and prints a table.
 */
const MINTS = Number(process.env.BENCH_SCALE_MINTS ?? 120);
/** Each configuration runs once per round, the rounds interleaved, so drift on the machine hits all alike. */
const ROUNDS = Number(process.env.BENCH_SCALE_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

async function main() {
  const stack = await startBenchStack({ adminUrl: KNOBS.databaseUrl, name: 'scale' });
  try {
    const { db, apiKey, processes, startApi, startWorker, stopWorker } = stack;
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

    /** MINTS mints spread over the APIs; accept latency and completed mints per second. */
    const cpuByPart = (): Record<string, number> => ({ machine: machineBusySeconds(), ...stack.cpuByPart() });
    const phase = async (name: string, apis: string[], collectionId: string) => {
      say(`${name}: ${MINTS} mints at concurrency ${CONCURRENCY}`);
      const cpuBefore = cpuByPart();
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
      const cpuAfter = cpuByPart();
      const wall = (Date.now() - startedAt) / 1000;
      return {
        name, apis: apis.length, workers: processes.filter((p) => p.role === 'worker').length, succeeded: done.succeeded,
        /** Share of one core each part used during the phase (2.0 = both cores of a 2-core machine). */
        coresUsed: Object.fromEntries(Object.entries(cpuAfter).map(([k, v]) => [k, round((v - cpuBefore[k]!) / wall, 2)])),
        seconds: round(seconds, 2), mintsPerSecond: round(done.succeeded / seconds, 2),
        acceptLatencyMs: { p50: round(percentile(latency, 50)), p99: round(percentile(latency, 99)) },
      };
    };

    const apis = [await startApi(), await startApi()];
    await startWorker();
    const collection = await post(apis[0], '/v1/collections', { chain: 'anvil', name: 'Scale', symbol: 'SCL' });
    await waitForAll([collection.body.actionId]);
    const collectionId = (await db.query<{ id: string }>('SELECT id FROM collections WHERE action_id = $1', [collection.body.actionId]))[0].id;

    const results: ({ round: number } & Awaited<ReturnType<typeof phase>>)[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      results.push({ round, ...(await phase('1 api, 1 worker', apis.slice(0, 1), collectionId)) });
      await startWorker();
      results.push({ round, ...(await phase('1 api, 2 workers', apis.slice(0, 1), collectionId)) });
      results.push({ round, ...(await phase('2 apis, 2 workers', apis, collectionId)) });
      await stopWorker();
    }
    const median = (values: number[]) => percentile(values, 50);
    const summary = [...new Set(results.map((r) => r.name))].map((name) => {
      const runs = results.filter((r) => r.name === name);
      return {
        name,
        mintsPerSecond: { median: median(runs.map((r) => r.mintsPerSecond)), runs: runs.map((r) => r.mintsPerSecond) },
        acceptLatencyMs: { p50: median(runs.map((r) => r.acceptLatencyMs.p50)), p99: median(runs.map((r) => r.acceptLatencyMs.p99)) },
      };
    });

    const result = {
      benchmark: 'scale-out',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version },
      setup: { mintsPerPhase: MINTS, concurrency: CONCURRENCY, chain: 'anvil', blockTimeSeconds: 1, confirmations: 2, database: 'PostgreSQL', temporal: 'dev server (SQLite)' },
      summary,
      phases: results,
    };
    const out = path.join(__dirname, 'results');
    mkdirSync(out, { recursive: true });
    const file = path.join(out, `scale-out-${result.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\n| scale-out: ${MINTS} mints per phase, ${ROUNDS} rounds, concurrency ${CONCURRENCY}, PostgreSQL | accept p50 / p99 (median) | completed mints/s: median (each round) |`);
    console.log('| --- | --- | --- |');
    for (const r of summary) console.log(`| ${r.name} | ${r.acceptLatencyMs.p50} / ${r.acceptLatencyMs.p99} ms | ${r.mintsPerSecond.median} (${r.mintsPerSecond.runs.join(', ')}) |`);
    console.log('\n| round, phase: cores used | '.concat(Object.keys(results[0].coresUsed).join(' | '), ' |'));
    console.log(`| --- |${' --- |'.repeat(Object.keys(results[0].coresUsed).length)}`);
    for (const r of results) console.log(`| ${r.round}, ${r.name} | ${Object.values(r.coresUsed).join(' | ')} |`);
    console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
  } finally {
    await stack.stop();
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
