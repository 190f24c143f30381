import { mkdirSync } from 'node:fs';
import { PGlite, types as liteTypes } from '@electric-sql/pglite';
import { Pool, types } from 'pg';
import { Counter } from 'prom-client';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** One interface over PostgreSQL (pg) and the embedded PGlite, so the same SQL serves both. */
export interface Database extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
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

/** Embedded PostgreSQL (PGlite, WASM) kept in a directory; one connection, so one process owns it. */
export async function openEmbedded(dir: string): Promise<Database> {
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir, { parsers: { [liteTypes.INT8]: (v: string) => Number(v) } });
  return {
    async query<T>(sql: string, params?: unknown[]) {
      dbStatements.inc();
      return (await db.query<T>(sql, params)).rows;
    },
    // PGlite sends BEGIN and COMMIT itself; they are counted as the two statements they are.
    transaction: (fn) => {
      dbStatements.inc(2);
      return db.transaction((tx) => fn({ query: async <R>(sql: string, params?: unknown[]) => {
        dbStatements.inc();
        return (await tx.query<R>(sql, params)).rows;
      } }));
    },
    close: () => db.close(),
  };
}

export async function openDatabase(opts: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  return opts.databaseUrl ? connectPostgres(opts.databaseUrl) : openEmbedded(`${opts.dataDir}/pglite`);
}
