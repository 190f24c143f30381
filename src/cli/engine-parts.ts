import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ChainRegistry } from '../chain/chains';
import type { ChainConfig, Config } from '../config';
import { openDatabase, type Database } from '../db/database';
import { migrate } from '../db/migrate';
import { createMetrics, type Metrics } from '../observability/metrics';
import { SecretBox } from '../secrets/secret-box';
import { temporalConnectionOptions, type TemporalConnectionOptions } from '../temporal/connection';

/** What every engine process holds, whatever it runs: the database, chains, secrets, Temporal, metrics. */
export interface EngineParts {
  db: Database;
  chains: ChainRegistry;
  secrets: SecretBox;
  connection: Connection;
  client: Client;
  metrics: Metrics;
  /** Closes what was opened, the last opened first. */
  close(): Promise<void>;
}

/** A process that runs a worker also holds the native connection its workers poll with. */
export interface WorkerEngineParts extends EngineParts {
  workerConnection: NativeConnection;
}

export type EngineConfig = Config & { CHAINS: ChainConfig[]; SECRETS_KEY: string };

export interface EnginePartsOptions {
  /** Names the process in its metrics. */
  component: 'api' | 'worker' | 'embedded';
  /** Whether pending migrations are applied; MIGRATE_ON_START by default. */
  migrate?: boolean;
  /** How to reach Temporal; by default from the TEMPORAL_* settings. */
  temporal?: TemporalConnectionOptions;
}

/**
 * The composition root of the api and worker processes, the embedded stack and the test harness: the database
 * (DATABASE_URL's PostgreSQL, else the embedded PGlite in DATA_DIR), migrated, the chain registry, the secret box,
 * the Temporal connection and client, metrics. If any part fails to open, those opened before it are closed.
 */
export async function openEngineParts(config: EngineConfig, options: EnginePartsOptions): Promise<EngineParts> {
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    while (closers.length > 0) await closers.pop()!();
  };
  try {
    const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
    closers.push(() => db.close());
    if (options.migrate ?? config.MIGRATE_ON_START) await migrate(db);
    const chains = new ChainRegistry(config.CHAINS);
    closers.push(() => chains.destroy());
    const connection = await Connection.connect(options.temporal ?? temporalConnectionOptions(config));
    closers.push(() => connection.close());
    return {
      db, chains, connection, secrets: new SecretBox(config.SECRETS_KEY),
      client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }),
      metrics: createMetrics(options.component),
      close,
    };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/** The engine's parts and a native connection for workers, closed before the rest. */
export async function openWorkerEngineParts(config: EngineConfig, options: EnginePartsOptions): Promise<WorkerEngineParts> {
  const temporal = options.temporal ?? temporalConnectionOptions(config);
  const parts = await openEngineParts(config, { ...options, temporal });
  try {
    const workerConnection = await NativeConnection.connect(temporal);
    return {
      ...parts, workerConnection,
      async close() {
        await workerConnection.close();
        await parts.close();
      },
    };
  } catch (err) {
    await parts.close().catch(() => undefined);
    throw err;
  }
}

/** The settings a process on its own needs (no embedded stack to provide them). */
export const PROCESS_SETTINGS = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'CHAINS', 'SECRETS_KEY'] as const;
