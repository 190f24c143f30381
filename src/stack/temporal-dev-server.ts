import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../shared/search-attributes';
import { spawnService, waitUntil, type Service } from './process';

export const searchAttributeFlags = () =>
  SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${key.type === 'INT' ? 'Int' : 'Keyword'}`]);

/**
 * SQLite in write-ahead-log mode, synced at checkpoints rather than at every commit: about twice the
 * workflows per second of the defaults on a small machine. A crashed process loses nothing; a power loss may
 * lose the last commits (the README's durability note).
 */
export const SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

/** `temporal server start-dev` with the Web UI, SQLite state in dataDir and the engine's search attributes. */
export async function startTemporalDevServer(opts: { cli: string; port: number; uiPort: number; dataDir: string; namespace: string; logFile: string }): Promise<Service & { address: string; uiUrl: string }> {
  mkdirSync(opts.dataDir, { recursive: true });
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--ui-port', String(opts.uiPort),
    '--db-filename', path.join(opts.dataDir, 'temporal.db'), '--namespace', opts.namespace, '--log-level', 'warn', ...searchAttributeFlags(), ...SQLITE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma])];
  const service = spawnService('temporal', opts.cli, args, { logFile: opts.logFile });
  const address = `127.0.0.1:${opts.port}`;
  await waitUntil('temporal dev server', async () => {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await connection.workflowService.describeNamespace({ namespace: opts.namespace });
      return true;
    } finally {
      await connection.close();
    }
  }, 60_000, service);
  return { ...service, address, uiUrl: `http://127.0.0.1:${opts.uiPort}` };
}
