import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Wallet } from 'ethers';
import { Client } from 'pg';
import { connectPostgres } from '../src/db/database';
import { migrate } from '../src/db/migrate';
import { SecretBox } from '../src/secrets/secret-box';
import { startSigner } from '../src/signer/server';
import { startAnvil } from '../src/stack/anvil';
import { startEngineProcess, type EngineProcess } from '../src/stack/engine-process';
import { freePort } from '../src/stack/ports';
import { findTemporalCli } from '../src/stack/temporal-cli';
import { startTemporalDevServer } from '../src/stack/temporal-dev-server';
import { createProject } from '../src/store/projects';
import { percentile, round, runPool } from './stats';

/**
 * `npm run bench` (second part): the production shape on this machine. API and worker processes of their
 * own on one Temporal dev server and PostgreSQL (BENCH_DATABASE_URL, a fresh database made beside it).
 * Completed mints per second with 1 and with 2 workers, and accept (POST) latency with 1 and with 2 APIs.
 * Writes bench/results/scale-out-<time>.json and prints a table.
 */
const MINTS = Number(process.env.BENCH_SCALE_MINTS ?? 120);
/** Each configuration runs once per round, the rounds interleaved, so drift on the machine hits all alike. */
const ROUNDS = Number(process.env.BENCH_SCALE_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SIGNER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const CHAIN_ID = 31337;
const RECIPIENT = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const CLOCK_TICKS = 100;

/** CPU seconds all cores have been busy so far (everything on the machine, PostgreSQL included). */
function machineBusySeconds(): number {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    return (ticks.reduce((a, b) => a + b, 0) - ticks[3] - ticks[4]) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** CPU seconds a process has used so far (Linux /proc), to show which part of the stack is busy. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nft-engine-scale-'));
  const stops: (() => Promise<unknown>)[] = [];
  const dbName = `nft_engine_bench_${Date.now()}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  stops.push(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  });
  try {
    const databaseUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${dbName}` }).toString();
    const cli = findTemporalCli((m) => console.error(`[bench] ${m}`));
    if (!cli) throw new Error('no Temporal CLI');
    const temporal = await startTemporalDevServer({
      cli, port: await freePort(), uiPort: await freePort(), dataDir: dir, namespace: 'default', logFile: path.join(dir, 'temporal.log'),
    });
    stops.push(() => temporal.stop());
    const anvil = await startAnvil({ port: await freePort(), chainId: CHAIN_ID, blockTimeSeconds: 1, logFile: path.join(dir, 'anvil.log') });
    stops.push(() => anvil.stop());
    const chains = [{ name: 'anvil', chainId: CHAIN_ID, rpcUrl: anvil.rpcUrl, confirmations: 2, pollIntervalMs: 1000 }];
    const signerSecret = `whsec_${randomBytes(32).toString('base64')}`;
    const signer = await startSigner({ privateKey: SIGNER_KEY, secret: signerSecret, chains, host: '127.0.0.1', port: 0, blockedRecipients: [], log: () => undefined });
    stops.push(() => signer.close());

    const db = connectPostgres(databaseUrl);
    stops.push(() => db.close());
    await migrate(db);
    const secretsKey = SecretBox.generateKey();
    const { apiKey } = await createProject(db, {
      name: 'bench', signerUrl: signer.url, signerAddress: new Wallet(SIGNER_KEY).address, signerSecretSealed: new SecretBox(secretsKey).seal(signerSecret),
    });
    const env = {
      ...process.env, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporal.address, CHAINS: JSON.stringify(chains), SECRETS_KEY: secretsKey,
      HOST: '127.0.0.1', WORKER_PORT: '0', LOG_LEVEL: 'WARN', MIGRATE_ON_START: 'false',
    };
    const processes: (EngineProcess & { role: 'api' | 'worker' })[] = [];
    stops.push(async () => { for (const p of processes) await p.stop(); });
    const startApi = async () => {
      const port = await freePort();
      const api = await startEngineProcess('src/api/main.ts', '"api listening"', { ...env, PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` });
      processes.push({ ...api, role: 'api' });
      return `http://127.0.0.1:${port}`;
    };
    const startWorker = async () => {
      processes.push({ ...(await startEngineProcess('src/worker/main.ts', '"worker running"', env)), role: 'worker' });
    };
    const stopWorker = async () => {
      const worker = processes.filter((p) => p.role === 'worker').at(-1)!;
      processes.splice(processes.indexOf(worker), 1);
      await worker.stop();
    };
    const post = async (base: string, urlPath: string, body: unknown) => {
      const res = await fetch(`${base}${urlPath}`, { method: 'POST', headers: { 'x-api-key': apiKey, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    const waitForAll = async (ids: string[]) => {
      for (;;) {
        const [row] = await db.query<{ pending: number; succeeded: number; last: Date }>(
          `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
             max(completed_at) AS last FROM actions WHERE id = ANY($1)`, [ids]);
        if (row.pending === 0) return row;
        await new Promise((r) => setTimeout(r, 250));
      }
    };

    /** MINTS mints spread over the APIs; accept latency and completed mints per second. */
    const cpuByPart = () => ({
      machine: machineBusySeconds(),
      temporal: cpuSeconds(temporal.child.pid),
      anvil: cpuSeconds(anvil.child.pid),
      apis: processes.filter((p) => p.role === 'api').reduce((sum, p) => sum + cpuSeconds(p.child.pid), 0),
      workers: processes.filter((p) => p.role === 'worker').reduce((sum, p) => sum + cpuSeconds(p.child.pid), 0),
      benchAndSigner: cpuSeconds(process.pid),
    });
    const phase = async (name: string, apis: string[], collectionId: string) => {
      console.error(`[bench] ${name}: ${MINTS} mints at concurrency ${CONCURRENCY}`);
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
        coresUsed: Object.fromEntries(Object.entries(cpuAfter).filter(([k]) => k !== 'postgres').map(([k, v]) => [k, round((v - cpuBefore[k as keyof typeof cpuBefore]) / wall, 2)])),
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
    for (const stop of stops.reverse()) await stop().catch((err) => console.error(`[bench] stopping: ${(err as Error).message}`));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
