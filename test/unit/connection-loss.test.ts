import { Client } from 'pg';
import { connectPostgres } from '../../src/db/database';
import { testStack } from '../support/env';

/** Ends every other session of this test's application name, as a database restart or an idle timeout would. */
async function terminateSessions(applicationName: string) {
  const admin = new Client({ connectionString: testStack().databaseUrl });
  await admin.connect();
  await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
  await admin.end();
}

describe('a PostgreSQL connection that breaks', () => {
  const uncaught: unknown[] = [];
  const note = (err: unknown) => { uncaught.push(err); };
  beforeAll(() => process.on('uncaughtException', note));
  afterAll(() => process.off('uncaughtException', note));

  test('idle in the pool or inside a transaction: its queries fail, nothing is thrown at the process, the next query works', async () => {
    const url = new URL(testStack().databaseUrl);
    url.searchParams.set('application_name', 'connection-loss-test');
    const db = connectPostgres(url.toString(), 2);
    try {
      await db.query('SELECT 1');
      await terminateSessions('connection-loss-test');
      await new Promise((r) => setTimeout(r, 200));

      const inTransaction = db.transaction(async (tx) => {
        await tx.query('SELECT 1');
        await terminateSessions('connection-loss-test');
        await tx.query('SELECT pg_sleep(0.2)');
      });
      await expect(inTransaction).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 200));

      expect(uncaught).toEqual([]);
      expect(await db.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });
});
