import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectPostgres, openEmbedded, type Database } from '../../src/db/database';
import { testStack } from './env';

/** Both databases the engine runs on, for store tests that must hold on each. */
export const databaseBackends: [string, () => Promise<Database>][] = [
  ['PostgreSQL', async () => connectPostgres(testStack().databaseUrl)],
  ['embedded PGlite', () => openEmbedded(mkdtempSync(path.join(os.tmpdir(), 'pglite-')))],
];
