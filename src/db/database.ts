import { mkdirSync } from 'node:fs';
import { Pool, types } from 'pg';
import { Counter } from 'prom-client';
import { startPGliteThread, type Priority } from './pglite-client';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** One interface over PostgreSQL (pg) and the embedded PGlite, so the same SQL serves both. */
export interface Database extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** The same database for statements that answer a request, where one connection serves all (PGlite): served first. */
  forRequests?(): Database;
  close(): Promise<void>;
}

/**
 * Statements sent to the database by this process (BEGIN and COMMIT included), for every connection it
 * opened. Registered on each process's metrics registry by createMetrics; the benchmark divides it by mints.
 */
export const dbStatements = new Counter({ name: 'nft_engine_db_statements_total', help: 'SQL statements sent to the database, BEGIN and COMMIT included', registers: [] });

// int8 (counts, nonces) fits in a JS number for every value this engine stores.
types.setTypeParser(types.builtins.INT8, (v) => Number(v));

export function connectPostgres(connectionString: string, max = 10): Database {
  const pool = new Pool({ connectionString, max });
  // A connection that breaks (a database restart, an idle timeout) fails the queries it was running and leaves
  // the pool; unheard, its 'error' event would end the process.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return {
    async query<T>(sql: string, params?: unknown[]) {
      dbStatements.inc();
      return (await pool.query(sql, params)).rows as T[];
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      const run = (sql: string, params?: unknown[]) => {
        dbStatements.inc();
        return client.query(sql, params);
      };
      try {
        await run('BEGIN');
        const result = await fn({ query: async <R>(sql: string, params?: unknown[]) => (await run(sql, params)).rows as R[] });
        await run('COMMIT');
        return result;
      } catch (err) {
        await run('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Embedded PostgreSQL (PGlite, WASM) kept in a directory; one connection, so one process owns it. It runs in a
 * thread of its own (see pglite-client.ts); a transaction holds the connection until it ends.
 */
export async function openEmbedded(dir: string): Promise<Database> {
  mkdirSync(dir, { recursive: true });
  const pglite = startPGliteThread(dir);
  // Opening happens in the thread: a directory it cannot open fails here, not at the first statement.
  await pglite.call({ op: 'query', sql: 'SELECT 1', priority: 0 }).catch(async (err) => {
    await pglite.close().catch(() => undefined);
    throw err;
  });
  const at = (priority: Priority): Database => ({
    query<T>(sql: string, params?: unknown[]) {
      dbStatements.inc();
      return pglite.call<T[]>({ op: 'query', sql, params, priority });
    },
    async transaction(fn) {
      dbStatements.inc(2);
      const tx = pglite.newTransactionId();
      await pglite.call({ op: 'begin', tx, priority });
      let result;
      try {
        result = await fn({ query: <R>(sql: string, params?: unknown[]) => {
          dbStatements.inc();
          return pglite.call<R[]>({ op: 'txQuery', tx, sql, params });
        } });
      } catch (err) {
        // The statement's own error is the one to report; the thread frees the connection either way.
        await pglite.call({ op: 'rollback', tx }).catch(() => undefined);
        throw err;
      }
      await pglite.call({ op: 'commit', tx });
      return result;
    },
    forRequests: () => at(0),
    close: () => pglite.close(),
  });
  return at(1);
}

export async function openDatabase(opts: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  return opts.databaseUrl ? connectPostgres(opts.databaseUrl) : openEmbedded(`${opts.dataDir}/pglite`);
}
