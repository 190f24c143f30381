import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Wallet } from 'ethers';
import { startApiServer } from '../../src/api/server';
import { apiUrls } from '../../src/api/urls';
import { openEngineParts, PROCESS_SETTINGS } from '../../src/cli/engine-parts';
import { loadConfig, requireSettings, type ChainConfig } from '../../src/config';
import { SecretBox } from '../../src/secrets/secret-box';
import { webhookSettings } from '../../src/webhooks/settings';
import { createProject } from '../../src/store/projects';
import { startEngineProcess, type EngineProcess } from '../../src/stack/engine-process';
import { findTemporalCli } from '../../src/stack/temporal-cli';
import { actionWorkflowId } from '../../src/workflows/ids';
import { testStack, type TestStack } from './env';
import { freePort } from '../../src/stack/ports';

const ROOT = path.resolve(__dirname, '../..');
export const HISTORIES_DIR = path.join(ROOT, 'test/fixtures/histories');
/** Where the console links workflows in tests (the dev server's UI port; nothing needs to answer there). */
export const TEMPORAL_UI_URL = 'http://127.0.0.1:8233';
/** Longer than a worker's default shutdown grace (30 s), so only a process that hangs is killed. */
const STOP_GRACE_MS = 60_000;

export type { EngineProcess };

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/**
 * One test file's engine: the API in this process over real HTTP, worker processes of its own on a
 * task queue of its own, a project with an API key, all on the shared Temporal server, chain and database.
 */
export async function startHarness(
  chainSettings: Partial<Pick<ChainConfig, 'confirmations' | 'stuckAfterMs' | 'maxFeePerGas' | 'explorerUrl'>> = {},
  moreChains: ChainConfig[] = [],
  /** Another Temporal server than the run's dev server (the scale-out test's cluster). */
  overrides: Partial<Pick<TestStack, 'temporalAddress'>> = {},
) {
  const stack = { ...testStack(), ...overrides };
  const taskQueue = `test-${randomUUID()}`;
  const chains: ChainConfig[] = [{ name: 'anvil', chainId: stack.chainId, rpcUrl: stack.rpcUrl, confirmations: 1, pollIntervalMs: 200, ...chainSettings }, ...moreChains];
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const secretsKey = SecretBox.generateKey();
  /** The settings of this file's engine, the in-process API's and its worker and API processes' alike. */
  const engineEnv = {
    DATABASE_URL: stack.databaseUrl, TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_TASK_QUEUE: taskQueue,
    CHAINS: JSON.stringify(chains), WORKFLOW_BUNDLE_PATH: stack.workflowBundlePath, PUBLIC_BASE_URL: baseUrl,
    SECRETS_KEY: secretsKey, HOST: '127.0.0.1', WORKER_PORT: '0',
    // Short retries and timeouts so delivery tests run in seconds; loopback receivers allowed.
    WEBHOOK_RETRY_SCHEDULE: '0,300ms,600ms,900ms', WEBHOOK_TIMEOUT_MS: '1500', WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    // One process follows the shared chain for chain events at a time: the files that test them turn it on.
    CHAIN_EVENTS: 'off',
  };
  const config = requireSettings(loadConfig({
    ...engineEnv, PORT: String(port), TEMPORAL_UI_URL,
    // A test's stop does not wait on a request the test left in flight.
    SHUTDOWN_TIMEOUT: '1s',
  }), [...PROCESS_SETTINGS], 'the test harness');
  const parts = await openEngineParts(config, { component: 'api' });
  const { db, secrets, metrics, client, chains: registry } = parts;
  // No resumer: the database is every test file's, and it would start their stalled actions on this file's queue.
  const api = await startApiServer(config, { ...parts, log: () => undefined }, { resumeQueued: false });
  const signerAddress = new Wallet(stack.signerKey).address;
  const newProject = (signer: { url: string; secret: string; address?: string } = { url: stack.signerUrl, secret: stack.signerSecret }) =>
    createProject(db, { name: `test ${randomUUID()}`, signerUrl: signer.url, signerAddress: signer.address ?? signerAddress, signerSecretSealed: secrets.seal(signer.secret) });
  const { projectId, apiKey } = await newProject();
  const processes = new Set<EngineProcess>();
  /** What a process that exited without being told to printed: waiting on its work then fails at once, with it. */
  const died: string[] = [];

  const processEnv = { ...process.env, ...engineEnv };

  /** Starts an entry point of the engine with this harness's settings; stopped with the harness. */
  async function startProcess(entry: string, readyText: string, env: Record<string, string> = {}): Promise<EngineProcess> {
    const started = await startEngineProcess(entry, readyText, { ...processEnv, ...env });
    let told = false;
    started.child.once('exit', (code, signal) => {
      if (!told) died.push(`${entry} exited on its own (${signal ?? code}); its last output:\n${started.output().slice(-4000)}`);
    });
    const tracked: EngineProcess = {
      ...started,
      async stop() {
        told = true;
        const code = await started.stop();
        processes.delete(tracked);
        return code;
      },
      async kill() {
        told = true;
        await started.kill();
        processes.delete(tracked);
      },
    };
    processes.add(tracked);
    return tracked;
  }
  const startWorker = (env: Record<string, string> = {}) => startProcess('src/worker/main.ts', '"worker running"', env);
  /** A separate API process on a port of its own, beside the in-process one. */
  const startApi = async (env: Record<string, string> = {}) => {
    const apiPort = await freePort();
    const api = await startProcess('src/api/main.ts', '"api listening"', { PORT: String(apiPort), PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`, ...env });
    return { ...api, url: `http://127.0.0.1:${apiPort}` };
  };

  async function request<T = any>(method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}, key = apiKey): Promise<ApiResponse<T>> {
    const res = await fetch(`${baseUrl}${urlPath}`, {
      method,
      headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  async function waitForAction(actionId: string, until: (a: any) => boolean = (a) => a.status !== 'pending', timeoutMs = 120_000, key = apiKey) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (died.length) throw new Error(died.join('\n'));
      const { body } = await request('GET', `/v1/actions/${actionId}`, undefined, {}, key);
      if (until(body)) return body;
      if (Date.now() > deadline) throw new Error(`action ${actionId} still ${body.status}/${body.stage} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Creates a collection and waits until it is deployed. */
  async function deployCollection(standard: 'erc721' | 'erc1155' = 'erc721', extra: Record<string, unknown> = {}, key = apiKey) {
    const res = await request('POST', '/v1/collections', { chain: 'anvil', standard, name: 'Test', symbol: 'TST', ...extra }, {}, key);
    if (res.status !== 202) throw new Error(`collection not accepted: ${JSON.stringify(res.body)}`);
    const action = await waitForAction(res.body.actionId, undefined, 120_000, key);
    if (action.status !== 'succeeded') throw new Error(`collection failed: ${JSON.stringify(action.error)}`);
    return { id: action.resource.collectionId as string, address: action.resource.contractAddress as string, actionId: action.actionId as string };
  }

  /**
   * With RECORD_HISTORIES=1, saves a workflow's history as a replay fixture (test/fixtures/histories), so
   * the replay test checks later workflow code against it.
   */
  async function recordWorkflowHistory(name: string, workflowId: string) {
    if (!process.env.RECORD_HISTORIES) return;
    // The CLI's JSON export (protobufjs' own JSON support breaks under jest's module registry).
    const json = execFileSync(findTemporalCli()!, ['workflow', 'show', '--address', stack.temporalAddress,
      '--workflow-id', workflowId, '--output', 'json'], { encoding: 'utf8' });
    mkdirSync(HISTORIES_DIR, { recursive: true });
    writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), json);
  }
  const recordHistory = (name: string, actionId: string) => recordWorkflowHistory(name, actionWorkflowId(actionId));

  return {
    app: api.app, recordHistory, recordWorkflowHistory, secrets, webhooks: webhookSettings(config), metrics,
    chains, chainRegistry: registry, urls: apiUrls(config.publicBaseUrl), stack, db, client, taskQueue, baseUrl, projectId, apiKey, signerAddress, provider: registry.provider(stack.chainId),
    newProject, startWorker, startApi, request, waitForAction, deployCollection,
    async stop() {
      for (const running of [...processes]) {
        // One that does not drain in time is killed: a hung process would keep the test run from ever ending.
        const drained = await Promise.race([running.stop().then(() => true), new Promise<false>((r) => setTimeout(r, STOP_GRACE_MS, false).unref())]);
        if (!drained) await running.kill();
      }
      await api.close();
      await parts.close();
    },
  };
}
