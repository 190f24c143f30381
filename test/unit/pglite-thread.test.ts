import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEmbedded, type Database } from '../../src/db/database';

/** The embedded PGlite in its own thread: one connection, requests' statements first, transactions whole. */
describe('embedded PGlite thread', () => {
  let dir: string;
  let db: Database;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pglite-thread-'));
    db = await openEmbedded(path.join(dir, 'db'));
    await db.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a request's statement waiting behind background ones runs before them once the connection is free", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let begun!: () => void;
    const inside = new Promise<void>((r) => (begun = r));
    const holding = db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      begun();
      await gate;
    });
    await inside;
    const order: string[] = [];
    const background = Array.from({ length: 5 }, (_, i) => db.query('SELECT $1::int AS n', [i]).then(() => { order.push(`background ${i}`); }));
    const request = db.forRequests!().query('SELECT 1').then(() => { order.push('request'); });
    release();
    await Promise.all([holding, request, ...background]);
    expect(order).toEqual(['request', 'background 0', 'background 1', 'background 2', 'background 3', 'background 4']);
  });

  test("a transaction's statements keep the connection: nothing else runs inside it", async () => {
    await db.query('DELETE FROM t');
    let seenInside: unknown;
    const outside = db.forRequests!();
    await db.transaction(async (tx) => {
      await tx.query("INSERT INTO t VALUES (1, 'in')");
      const other = outside.query<{ n: number }>('SELECT count(*)::int AS n FROM t');
      await new Promise((r) => setTimeout(r, 50));
      await tx.query("INSERT INTO t VALUES (2, 'in')");
      seenInside = other;
    });
    // The other statement ran after the commit, so it saw both rows.
    expect(await seenInside).toEqual([{ n: 2 }]);
  });

  test('a failing statement rolls its transaction back with the database error, and the connection is free again', async () => {
    await db.query('DELETE FROM t');
    await expect(db.transaction(async (tx) => {
      await tx.query("INSERT INTO t VALUES (1, 'a')");
      await tx.query("INSERT INTO t VALUES (1, 'b')");
    })).rejects.toMatchObject({ code: '23505' });
    expect(await db.query('SELECT * FROM t')).toEqual([]);
    await db.transaction(async (tx) => tx.query("INSERT INTO t VALUES (3, 'c')"));
    expect(await db.query('SELECT id FROM t')).toEqual([{ id: 3 }]);
  });

});
