import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Wallet } from 'ethers';
import { Client } from 'pg';
import type { ChainConfig } from '../src/config';
import { connectPostgres, type Database } from '../src/db/database';
import { migrate } from '../src/db/migrate';
import { SecretBox } from '../src/secrets/secret-box';
import { startAnvil } from '../src/stack/anvil';
import { startEngineProcess, type EngineProcess } from '../src/stack/engine-process';
import { freePort } from '../src/stack/ports';
import { findTemporalCli } from '../src/stack/temporal-cli';
import { startTemporalDevServer } from '../src/stack/temporal-dev-server';
import { CLUSTER_SERVICES } from '../src/stack/temporal-cluster/server-config';
import { startThrowawayCluster } from '../src/stack/temporal-cluster/throwaway';
import { createProject } from '../src/store/projects';
import { BLOCK_TIME_SECONDS, CHAIN_ID, CONFIRMATIONS, ENGINE_SIGNER_KEY, workerNodeArgs } from './config';
import { cpuSeconds, rssMiB } from './proc';
import { startRpcProxy } from './rpc-proxy';

export const say = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

export interface EngineRole extends EngineProcess { role: 'api' | 'worker'; url: string }

/** SIGTERM, and SIGKILL if it has not exited after graceMs. */
async function stopProcess(p: EngineProcess, graceMs = 10_000) {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  await p.stop();
  clearTimeout(timer);
}

/**
 * The production shape on this machine: a Temporal dev server (startTemporalDevServer, SQLite in WAL mode) or,
 * with `temporal: 'cluster'`, a Temporal cluster of the run's own (a process per service, on PostgreSQL),
 * anvil with 1 s blocks behind a counting JSON-RPC proxy, the reference signer as a process, a fresh
 * PostgreSQL database beside `adminUrl`, and `api`/`worker` processes on demand. stop() undoes all of it.
 */
export async function startBenchStack(opts: { adminUrl: string; name: string; temporal?: 'dev-server' | 'cluster' }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `nft-engine-${opts.name}-`));
  const stops: (() => Promise<unknown>)[] = [];
  const names: string[] = [];
  const onStop = (name: string, fn: () => Promise<unknown>) => { names.push(name); stops.push(fn); };
  const processes: EngineRole[] = [];
  let stopping: Promise<void> | undefined;
  /** Idempotent: every caller (the run's end, a signal) waits for the same teardown. */
  const stop = () => (stopping ??= (async () => {
    for (let i = stops.length - 1; i >= 0; i--) {
      const t0 = Date.now();
      await stops[i]().catch((err) => say(`stopping ${names[i]}: ${(err as Error).message}`));
      if (Date.now() - t0 > 3_000) say(`stopping ${names[i]} took ${Math.round((Date.now() - t0) / 1000)} s`);
    }
    rmSync(dir, { recursive: true, force: true });
  })());
  try {
    const dbName = `nft_engine_${opts.name}_${Date.now()}_${process.pid}`;
    const admin = new Client({ connectionString: opts.adminUrl });
    await admin.connect();
    onStop('admin connection', () => admin.end());
    await admin.query(`CREATE DATABASE ${dbName}`);
    onStop('database', () => admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
    const databaseUrl = Object.assign(new URL(opts.adminUrl), { pathname: `/${dbName}` }).toString();

    // The Temporal server: the dev server (one process, SQLite), or a cluster (a process per service, PostgreSQL).
    const temporalPids: Record<string, () => (number | undefined)[]> = {};
    let temporalAddress: string;
    if (opts.temporal === 'cluster') {
      const cluster = await startThrowawayCluster({ adminUrl: opts.adminUrl, name: opts.name });
      say(`Temporal ${cluster.version} cluster (frontend, history, matching, worker on PostgreSQL) ready in ${cluster.startSeconds.toFixed(1)} s`);
      onStop('temporal cluster', () => cluster.stop());
      for (const service of CLUSTER_SERVICES) temporalPids[`temporal.${service}`] = () => [cluster.services[service].child.pid];
      temporalAddress = cluster.address;
    } else {
      const cli = findTemporalCli(say);
      if (!cli) throw new Error('no Temporal CLI (set TEMPORAL_CLI_PATH, or wait for ~/.cache/nft-engine to have it)');
      const temporal = await startTemporalDevServer({
        cli, port: await freePort(), uiPort: await freePort(), dataDir: dir, namespace: 'default', logFile: path.join(dir, 'temporal.log'),
      });
      onStop('temporal', () => temporal.stop());
      temporalPids.temporal = () => [temporal.child.pid];
      temporalAddress = temporal.address;
    }
    const anvil = await startAnvil({ port: await freePort(), chainId: CHAIN_ID, blockTimeSeconds: BLOCK_TIME_SECONDS, logFile: path.join(dir, 'anvil.log') });
    onStop('anvil', () => anvil.stop());
    const proxy = await startRpcProxy(anvil.rpcUrl);
    onStop('rpc proxy', () => proxy.close());
    const chainConfig = (rpcUrl: string): ChainConfig => ({ name: 'anvil', chainId: CHAIN_ID, rpcUrl, confirmations: CONFIRMATIONS, pollIntervalMs: 1000 });
    /** What the engine processes use: every call they make to the chain goes through the proxy. */
    const chain = chainConfig(proxy.url);

    const signerSecret = `whsec_${randomBytes(32).toString('base64')}`;
    const signerPort = await freePort();
    // The reference signer stands for the customer's: it talks to anvil directly, outside the counts.
    const signer = await startEngineProcess('src/signer/main.ts', '"signer listening"', {
      ...process.env, SIGNER_PRIVATE_KEY: ENGINE_SIGNER_KEY, SIGNER_SECRET: signerSecret, CHAINS: JSON.stringify([chainConfig(anvil.rpcUrl)]),
      HOST: '127.0.0.1', SIGNER_PORT: String(signerPort),
    });
    onStop('signer', () => stopProcess(signer));

    const db: Database = connectPostgres(databaseUrl, 4);
    onStop('bench pool', () => db.close());
    await migrate(db);
    const secretsKey = SecretBox.generateKey();
    const { apiKey } = await createProject(db, {
      name: 'bench', signerUrl: `http://127.0.0.1:${signerPort}/sign`, signerAddress: new Wallet(ENGINE_SIGNER_KEY).address,
      signerSecretSealed: new SecretBox(secretsKey).seal(signerSecret),
    });
    const env: NodeJS.ProcessEnv = {
      ...process.env, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, CHAINS: JSON.stringify([chain]), SECRETS_KEY: secretsKey,
      HOST: '127.0.0.1', LOG_LEVEL: 'WARN', MIGRATE_ON_START: 'false', WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      SHUTDOWN_TIMEOUT: '2s', WORKER_SHUTDOWN_GRACE: '2s',
    };
    onStop('api and worker processes', async () => { for (const p of processes.splice(0)) await stopProcess(p); });

    const startApi = async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const p = await startEngineProcess('src/api/main.ts', '"api listening"', { ...env, PORT: String(port), PUBLIC_BASE_URL: url });
      processes.push({ ...p, role: 'api', url });
      return url;
    };
    /** A worker process; its url serves /metrics. */
    const startWorker = async () => {
      const port = await freePort();
      const p = await startEngineProcess('src/worker/main.ts', '"worker running"', { ...env, WORKER_PORT: String(port) }, workerNodeArgs);
      const worker = { ...p, role: 'worker' as const, url: `http://127.0.0.1:${port}` };
      processes.push(worker);
      return worker;
    };
    const stopWorker = async () => {
      const worker = processes.filter((p) => p.role === 'worker').at(-1)!;
      processes.splice(processes.indexOf(worker), 1);
      await stopProcess(worker);
    };
    /** Every process of the stack by part, for CPU accounting. */
    const pids = (): Record<string, (number | undefined)[]> => ({
      ...Object.fromEntries(Object.entries(temporalPids).map(([part, of]) => [part, of()])), anvil: [anvil.child.pid], signer: [signer.child.pid],
      apis: processes.filter((p) => p.role === 'api').map((p) => p.child.pid), workers: processes.filter((p) => p.role === 'worker').map((p) => p.child.pid),
      bench: [process.pid],
    });
    /** Each engine process on its own (api1, api2, worker1, …), by the order they were started. */
    const enginePids = (): Record<string, number | undefined> => {
      const seen = { api: 0, worker: 0 };
      return Object.fromEntries(processes.map((p) => [`${p.role}${++seen[p.role]}`, p.child.pid]));
    };
    const cpuByProcess = (): Record<string, number> => Object.fromEntries(Object.entries(enginePids()).map(([k, pid]) => [k, cpuSeconds(pid)]));
    const cpuByPart = (): Record<string, number> => Object.fromEntries(Object.entries(pids()).map(([k, list]) => [k, list.reduce((sum: number, pid) => sum + cpuSeconds(pid), 0)]));
    const workerRssMiB = () => processes.filter((p) => p.role === 'worker').reduce((sum, p) => sum + rssMiB(p.child.pid), 0);

    return {
      dir, databaseUrl, db, apiKey, temporalAddress, anvil, proxy, chain, anvilRpcUrl: anvil.rpcUrl, env,
      processes, startApi, startWorker, stopWorker, cpuByPart, cpuByProcess, workerRssMiB, stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export type BenchStack = Awaited<ReturnType<typeof startBenchStack>>;

/** The value of a counter (summed over its series) in Prometheus text from `url`/metrics. */
export async function scrapeCounter(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.trim().split(/\s+/).at(-1));
  }
  return sum;
}

/** Sum and count of a histogram's series whose labels contain every `labels` fragment, from `url`/metrics. */
export async function scrapeHistogram(url: string, name: string, labels: string[]): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const total = { sum: 0, count: 0 };
  for (const line of text.split('\n')) {
    for (const part of ['sum', 'count'] as const) {
      if (line.startsWith(`${name}_${part}{`) && labels.every((l) => line.includes(l))) total[part] += Number(line.trim().split(/\s+/).at(-1));
    }
  }
  return total;
}
