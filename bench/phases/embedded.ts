import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEngineProcess } from '../../src/stack/engine-process';
import { freePort } from '../../src/stack/ports';
import { generateApiKey } from '../../src/store/projects';
import { apiClient, createCollection } from '../api';
import { workerNodeArgs } from '../config';
import { childPids } from '../proc';
import { say } from '../stack';
import { acceptPhase } from './accept';

/**
 * accept on the embedded single-process stack (`npm start`: src/stack/embedded.ts with its own Temporal dev
 * server, anvil, signer and PGlite, in a process of its own on free ports and a temporary DATA_DIR): the same
 * open-loop load as the production shape. Stopped (SIGTERM, it stops its children) and removed afterwards.
 */
export async function embeddedAcceptPhase(opts: { rate: number; seconds: number }) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nft-engine-bench-embedded-'));
  const apiKey = generateApiKey();
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    TEMPORAL_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()), ANVIL_PORT: String(await freePort()),
    SIGNER_PORT: String(await freePort()), TEMPORAL_ADDRESS: '', CHAINS: '', SIGNER_URL: '', DATABASE_URL: '', DEV_API_KEY: apiKey,
    WEBHOOK_ALLOW_PRIVATE_URLS: 'true', LOG_LEVEL: 'WARN', SHUTDOWN_TIMEOUT: '2s', WORKER_SHUTDOWN_GRACE: '2s',
  };
  // Its worker runs in this process, so BENCH_CPU_PROFILE_DIR profiles it too.
  const stack = await startEngineProcess('src/cli/start.ts', 'Ctrl-C stops everything.', env, workerNodeArgs);
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    say('stopping the embedded stack');
    const children = childPids(stack.child.pid);
    const timer = setTimeout(() => stack.child.kill('SIGKILL'), 60_000);
    await stack.stop();
    clearTimeout(timer);
    // Its Temporal server and anvil, should it have been killed before it stopped them.
    for (const pid of children) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    rmSync(dataDir, { recursive: true, force: true });
  })());
  stopActive = stop;
  try {
    const apiUrl = `http://127.0.0.1:${port}`;
    const collectionId = await createCollection(apiClient(apiUrl, apiKey), 'Embedded');
    say('embedded stack up, collection deployed');
    return await acceptPhase({ apiUrl, apiKey, collectionId, rate: opts.rate, seconds: opts.seconds, metricsUrl: apiUrl });
  } finally {
    await stop();
    stopActive = undefined;
  }
}

let stopActive: (() => Promise<void>) | undefined;

/** Stops the embedded stack if one is running (the run's teardown on a signal). */
export const stopEmbedded = async () => stopActive?.();
