import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

/** Temporal's two stores on one PostgreSQL server: the URL's database and `<database>_visibility`. */
export interface ClusterDatabase {
  host: string;
  port: number;
  user: string;
  /** Never logged; given to the SQL tool through its environment, not its arguments. */
  password: string;
  database: string;
  visibilityDatabase: string;
}

export function clusterDatabase(url: string): ClusterDatabase {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error('the Temporal database URL must name a database (lowercase letters, digits, _)');
  return {
    host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username || 'postgres'), password: decodeURIComponent(u.password),
    database, visibilityDatabase: `${database}_visibility`,
  };
}

/** What may be shown of the database: never its password. */
export const describeDatabase = (db: ClusterDatabase) => `postgres://${db.user}@${db.host}:${db.port}/${db.database} (+ ${db.visibilityDatabase})`;

/** The schema versions a database holds (none before setup-schema), read the way the SQL tool records them. */
async function schemaVersion(db: ClusterDatabase, database: string): Promise<string | undefined> {
  const client = new Client({ host: db.host, port: db.port, user: db.user, password: db.password, database, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const rows = await client.query(`SELECT curr_version FROM schema_version WHERE version_partition = 0`).catch(() => ({ rows: [] }));
    return rows.rows[0]?.curr_version as string | undefined;
  } finally {
    await client.end();
  }
}

/**
 * Creates both databases if missing and brings their schemas to the SQL tool's version (the schemas are
 * embedded in it): create-database, setup-schema -v 0.0 the first time, then update-schema, which applies
 * only the versions the database lacks. Safe to run at every start.
 */
export async function setupSchemas(sqlTool: string, db: ClusterDatabase, log: (msg: string) => void) {
  const env = { ...process.env, SQL_PASSWORD: db.password };
  const tool = (database: string, args: string[]) =>
    run(sqlTool, ['--plugin', 'postgres12', '--ep', db.host, '--port', String(db.port), '--user', db.user, '--db', database, ...args],
      { env, timeout: 120_000 }).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`temporal-sql-tool ${args[0]} on ${database}: ${(err.stderr || err.message).slice(-2000)}`);
    });
  for (const [database, schema] of [[db.database, 'temporal'], [db.visibilityDatabase, 'visibility']] as const) {
    const admin = new Client({ host: db.host, port: db.port, user: db.user, password: db.password, database: 'postgres', connectionTimeoutMillis: 10_000 });
    await admin.connect();
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1;
    await admin.end();
    if (!exists) await tool(database, ['create-database']);
    const before = await schemaVersion(db, database);
    if (before === undefined) await tool(database, ['setup-schema', '-v', '0.0']);
    await tool(database, ['update-schema', '--schema-name', `postgresql/v12/${schema}`]);
    const after = await schemaVersion(db, database);
    if (after !== before) log(`${database}: ${schema} schema ${before ?? 'none'} → ${after}`);
  }
}
