import { Client, Connection } from '@temporalio/client';
import { ChainRegistry } from '../chain/chains';
import type { ChainConfig, Config } from '../config';
import { connectPostgres, type Database } from '../db/database';
import { migrate } from '../db/migrate';
import { createMetrics, type Metrics } from '../observability/metrics';
import { SecretBox } from '../secrets/secret-box';
import { temporalConnectionOptions } from '../temporal/connection';

export interface SharedParts {
  db: Database;
  chains: ChainRegistry;
  secrets: SecretBox;
  connection: Connection;
  client: Client;
  metrics: Metrics;
  close(): Promise<void>;
}

type ProcessConfig = Config & { DATABASE_URL: string; TEMPORAL_ADDRESS: string; CHAINS: ChainConfig[]; SECRETS_KEY: string };

/** What the api and worker processes both hold: PostgreSQL (migrated unless told not to), chains, secrets, Temporal. */
export async function openSharedParts(config: ProcessConfig, component: 'api' | 'worker'): Promise<SharedParts> {
  const db = connectPostgres(config.DATABASE_URL);
  if (config.MIGRATE_ON_START) await migrate(db);
  const chains = new ChainRegistry(config.CHAINS);
  const connection = await Connection.connect(temporalConnectionOptions(config));
  return {
    db, chains, connection, secrets: new SecretBox(config.SECRETS_KEY),
    client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }),
    metrics: createMetrics(component),
    async close() {
      await connection.close();
      chains.destroy();
      await db.close();
    },
  };
}

export const PROCESS_SETTINGS = ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'CHAINS', 'SECRETS_KEY'] as const;
