import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Wallet } from 'ethers';
import { startApiServer } from '../api/server';
import { openWorkerEngineParts } from '../cli/engine-parts';
import type { ChainConfig, Config } from '../config';
import { SecretBox } from '../secrets/secret-box';
import { createLogger } from '../log';
import { installTemporalJsonLogger } from '../observability/temporal-logger';
import { startSigner } from '../signer/server';
import { startAnvil } from './anvil';
import { withDevelopmentSettings } from './development-settings';
import { persisted } from './persisted';
import type { Service } from './process';
import { findTemporalCli } from './temporal-cli';
import { startTemporalDevServer } from './temporal-dev-server';
import { ensureDevProject, generateApiKey } from '../store/projects';
import { temporalConnectionOptions } from '../temporal/connection';
import { ensureSearchAttributes } from '../temporal/ensure-search-attributes';
import { startEngineWorker, type EngineWorker } from '../worker/engine-worker';

/** anvil's first development account: funded on every anvil chain, never to be used elsewhere. */
const DEV_SIGNER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ANVIL_CHAIN_ID = 31337;
/**
 * With the embedded PGlite (one connection, on the process's one thread) more concurrent workflow tasks and
 * local activities only queue on the database and hold up the API's answers.
 */
const PGLITE_WORKER_SLOTS = 32;

export interface EmbeddedStack {
  apiUrl: string;
  apiKey: string;
  temporalAddress: string;
  temporalUi: string;
  /** The Temporal CLI the dev server runs on, when the stack started one. */
  temporalCli?: string;
  /** Bearer token of the admin API (`POST /v1/admin/projects`). */
  adminToken: string;
  chains: ChainConfig[];
  signerUrl: string;
  signerAddress: string;
  stop(): Promise<void>;
}

/** The whole engine on one machine, every piece embedded unless configured to an existing one. */
export async function startEmbeddedStack(config: Config, say: (msg: string) => void): Promise<EmbeddedStack> {
  const logs = path.join(config.dataDir, 'logs');
  mkdirSync(logs, { recursive: true });
  const developmentConfig = withDevelopmentSettings(config);
  const log = createLogger('api', createWriteStream(path.join(logs, 'api.log'), { flags: 'a' }));
  const services: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const service of services.reverse()) await service.stop().catch(() => undefined);
  };

  try {
    let temporalAddress = config.TEMPORAL_ADDRESS;
    let temporalUi = 'the UI of your Temporal cluster';
    let temporalCli: string | undefined;
    if (!temporalAddress) {
      const cli = findTemporalCli(say);
      if (!cli) throw new Error('no Temporal CLI: set TEMPORAL_CLI_PATH, put `temporal` on PATH, install Go, or set TEMPORAL_ADDRESS');
      const temporal: Service & { address: string; uiUrl: string } = await startTemporalDevServer({
        cli, port: config.TEMPORAL_PORT, uiPort: config.TEMPORAL_UI_PORT, dataDir: config.dataDir, namespace: config.TEMPORAL_NAMESPACE,
        logFile: path.join(logs, 'temporal.log'),
      });
      services.push(temporal);
      temporalAddress = temporal.address;
      temporalUi = temporal.uiUrl;
      temporalCli = cli;
    }

    let chains: ChainConfig[] | undefined = config.CHAINS;
    if (!chains) {
      const anvil = await startAnvil({
        port: config.ANVIL_PORT, chainId: ANVIL_CHAIN_ID, blockTimeSeconds: config.ANVIL_BLOCK_TIME,
        stateDir: path.join(config.dataDir, 'anvil'), logFile: path.join(logs, 'anvil.log'),
      });
      services.push(anvil);
      chains = [{ name: 'anvil', chainId: ANVIL_CHAIN_ID, rpcUrl: anvil.rpcUrl, confirmations: 2, pollIntervalMs: 200 }];
    }

    const signerSecret = config.SIGNER_SECRET ?? persisted(config.dataDir, 'signer-secret', () => `whsec_${randomBytes(32).toString('base64')}`);
    const signerKey = config.SIGNER_PRIVATE_KEY ?? DEV_SIGNER_KEY;
    let signerUrl = config.SIGNER_URL;
    if (!signerUrl) {
      const signer = await startSigner({
        privateKey: signerKey, secret: signerSecret, chains, host: '127.0.0.1', port: config.SIGNER_PORT,
        blockedRecipients: config.SIGNER_BLOCKED_RECIPIENTS,
        log: createLogger('signer', createWriteStream(path.join(logs, 'signer.log'), { flags: 'a' })),
      });
      services.push({ stop: signer.close });
      signerUrl = signer.url;
    }

    const apiKey = config.DEV_API_KEY ?? persisted(config.dataDir, 'dev-api-key', generateApiKey);
    const signerAddress = new Wallet(signerKey).address;
    const secretsKey = config.SECRETS_KEY ?? persisted(config.dataDir, 'secrets-key', SecretBox.generateKey);
    const workerLogFile = createWriteStream(path.join(logs, 'worker.log'), { flags: 'a' });
    installTemporalJsonLogger('worker', config.LOG_LEVEL, workerLogFile);
    // The stack's own dev server is reached plainly, whatever TLS settings are meant for a configured cluster.
    const temporal = config.TEMPORAL_ADDRESS ? temporalConnectionOptions(config) : { address: temporalAddress };
    // npm start's database is always migrated: with PGlite it is the stack's own.
    const parts = await openWorkerEngineParts({ ...config, CHAINS: chains, SECRETS_KEY: secretsKey }, { component: 'embedded', migrate: true, temporal });
    services.push({ stop: parts.close });
    const { db, secrets } = parts;
    await ensureSearchAttributes(parts.connection, config.TEMPORAL_NAMESPACE);
    await ensureDevProject(db, { name: 'Development', apiKey, signerUrl, signerAddress, signerSecretSealed: secrets.seal(signerSecret) });

    const engineConfig = {
      ...developmentConfig, TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_UI_URL: config.TEMPORAL_UI_URL ?? (config.TEMPORAL_ADDRESS ? undefined : temporalUi),
    };
    const workerConfig = config.DATABASE_URL ? engineConfig : {
      ...engineConfig,
      WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: Math.min(config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS, PGLITE_WORKER_SLOTS),
      WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES: Math.min(config.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES, PGLITE_WORKER_SLOTS),
    };
    // The API's port before the worker: a port in use stops the stack before it takes any task.
    let worker: EngineWorker | undefined;
    const api = await startApiServer(engineConfig, { ...parts, db: db.forRequests?.() ?? db, log, wakeDispatcher: () => worker?.wakeDispatcher() });
    const started = await startEngineWorker(workerConfig, { ...parts, connection: parts.workerConnection, log: createLogger('worker', workerLogFile) }).catch(async (err) => {
      await api.close();
      throw err;
    });
    worker = started;
    // Stopped in reverse: the API stops taking requests before the worker drains.
    services.push({ stop: async () => { started.shutdown(); await started.running; } });
    services.push({ stop: () => api.close() });

    return {
      apiUrl: config.publicBaseUrl, apiKey, temporalAddress, temporalUi, temporalCli, adminToken: developmentConfig.ADMIN_TOKEN, chains, signerUrl,
      signerAddress, stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
