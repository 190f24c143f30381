import type { Database } from '../../src/db/database';
import { randomUUID } from 'node:crypto';
import { migrate } from '../../src/db/migrate';
import { finishAction, insertAction } from '../../src/store/actions';
import { createProject } from '../../src/store/projects';
import { claimReleasedNonce, discardNonce, keepSignature, leaseAtNonce, markNonceBroadcast, releaseNonce, reserveNonce, unmarkNonceBroadcast } from '../../src/store/nonces';
import { databaseBackends } from '../support/databases';


describe.each(databaseBackends)('nonce leases on %s', (_name, open) => {
  let db: Database;
  let scope: { chainId: number; address: string };
  beforeAll(async () => {
    db = await open();
    await migrate(db);
  });
  beforeEach(() => {
    // A fresh address per test keeps the tests apart on the shared database.
    scope = { chainId: 1, address: `0x${Math.random().toString(16).slice(2).padEnd(40, '0')}` };
  });
  afterAll(() => db?.close());

  const chain = (latest: number, pending = latest) => ({ latest, pending });

  test('concurrent holders get distinct consecutive nonces; a retry gets its own again', async () => {
    const nonces = await Promise.all(Array.from({ length: 20 }, (_, i) => reserveNonce(db, scope, `a${i}`, chain(0))));
    expect([...nonces].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await reserveNonce(db, scope, 'a7', chain(0))).toBe(nonces[7]);
  });

  test('the same holder asking twice at once gets one nonce, and one lease', async () => {
    // The first holds the address's lock (in its admission) while the second asks.
    let inside!: () => void;
    let leave!: () => void;
    const entered = new Promise<void>((r) => (inside = r));
    const gate = new Promise<void>((r) => (leave = r));
    const first = reserveNonce(db, scope, 'twice', chain(0), { admit: async () => {
      inside();
      await gate;
      return 0;
    } });
    await entered;
    const second = reserveNonce(db, scope, 'twice', chain(0));
    await new Promise((r) => setTimeout(r, 200));
    leave();
    const twice = await Promise.all([first, second]);
    expect(twice[0]).toBe(twice[1]);
    const leases = await db.query('SELECT nonce FROM nonce_leases WHERE holder = $1', ['twice']);
    expect(leases).toHaveLength(1);
  });

  test('a nonce keeps the first transaction signed at it; a nonce given out again starts with none', async () => {
    const nonce = await reserveNonce(db, scope, 'signs', chain(0));
    expect(await leaseAtNonce(db, 'signs', nonce)).toEqual({});
    expect(await keepSignature(db, 'signs', nonce, { hash: '0xaa', rawTransaction: '0x01' })).toEqual({ hash: '0xaa', rawTransaction: '0x01' });
    expect(await keepSignature(db, 'signs', nonce, { hash: '0xbb', rawTransaction: '0x02' })).toEqual({ hash: '0xaa', rawTransaction: '0x01' });
    expect(await leaseAtNonce(db, 'signs', nonce)).toEqual({ kept: { hash: '0xaa', rawTransaction: '0x01' } });
    expect(await releaseNonce(db, 'signs')).toEqual({ nonce, blocksLater: false });
    expect(await reserveNonce(db, scope, 'takes-over', chain(0))).toBe(nonce);
    expect(await leaseAtNonce(db, 'takes-over', nonce)).toEqual({});
  });

  test('a holder that no longer holds its nonce finds no lease, and what it signed is not kept', async () => {
    const nonce = await reserveNonce(db, scope, 'pruned', chain(0));
    await discardNonce(db, 'pruned');
    expect(await leaseAtNonce(db, 'pruned', nonce)).toBeUndefined();
    expect(await keepSignature(db, 'pruned', nonce, { hash: '0xcc', rawTransaction: '0x03' })).toBeUndefined();
  });

  test('a released nonce is the next one given out', async () => {
    await reserveNonce(db, scope, 'first', chain(0));
    await reserveNonce(db, scope, 'second', chain(0));
    await markNonceBroadcast(db, 'second');
    expect(await releaseNonce(db, 'first')).toEqual({ nonce: 0, blocksLater: true });
    expect(await reserveNonce(db, scope, 'third', chain(0))).toBe(0);
    expect(await reserveNonce(db, scope, 'fourth', chain(0))).toBe(2);
  });

  test('a broadcast nonce is never released', async () => {
    await reserveNonce(db, scope, 'sent', chain(0));
    await markNonceBroadcast(db, 'sent');
    expect(await releaseNonce(db, 'sent')).toBeUndefined();
    expect(await reserveNonce(db, scope, 'next', chain(0))).toBe(1);
  });

  test('a send that failed after the lease was marked broadcast leaves the nonce releasable', async () => {
    await reserveNonce(db, scope, 'unsent', chain(0));
    await markNonceBroadcast(db, 'unsent');
    await unmarkNonceBroadcast(db, 'unsent');
    expect(await releaseNonce(db, 'unsent')).toEqual({ nonce: 0, blocksLater: false });
    expect(await reserveNonce(db, scope, 'after-unsent', chain(0))).toBe(0);
  });

  test('a pending action keeps the leases of its own and of its batch chunks after they are mined; a finished one gives them up', async () => {
    const { projectId } = await createProject(db, { name: 'leases', signerUrl: 'http://signer.invalid', signerAddress: scope.address, signerSecretSealed: 'x' });
    const batch = randomUUID();
    await insertAction(db, {
      id: batch, projectId, type: 'nfts.createBatch', chain: 'anvil', chainId: 1, collectionId: randomUUID(), resourceId: batch,
      idempotencyKey: null, requestHash: 'h', payload: { type: 'nfts.createBatch', tokenTypeId: null },
    } as never);
    for (const chunk of [0, 1]) {
      expect(await reserveNonce(db, scope, `${batch}:${chunk}`, chain(0))).toBe(chunk);
      await markNonceBroadcast(db, `${batch}:${chunk}`);
    }
    // Both mined: a crash that runs the chunks' steps again finds the nonces they were sent with.
    await reserveNonce(db, scope, 'later', chain(2));
    expect(await reserveNonce(db, scope, `${batch}:0`, chain(3))).toBe(0);
    expect(await reserveNonce(db, scope, `${batch}:1`, chain(3))).toBe(1);
    await finishAction(db, batch, { status: 'succeeded' } as never);
    await reserveNonce(db, scope, 'after', chain(3));
    expect(await leaseAtNonce(db, `${batch}:0`, 0)).toBeUndefined();
  });

  test('transactions sent outside the engine move the counter past them', async () => {
    expect(await reserveNonce(db, scope, 'x', chain(0))).toBe(0);
    expect(await reserveNonce(db, scope, 'y', chain(5, 6))).toBe(6);
  });

  test('a released nonce the chain has since used is not given out again', async () => {
    await reserveNonce(db, scope, 'r0', chain(0));
    await reserveNonce(db, scope, 'r1', chain(0));
    await releaseNonce(db, 'r0');
    expect(await reserveNonce(db, scope, 'r2', chain(1, 2))).toBe(2);
  });

  test('an admission refuses a holder a nonce, or keeps it above a released one, which the next holder takes', async () => {
    await reserveNonce(db, scope, 'low', chain(0));
    await reserveNonce(db, scope, 'high', chain(0));
    await releaseNonce(db, 'low');
    await expect(reserveNonce(db, scope, 'refused', chain(0), { admit: async () => { throw new Error('refused'); } })).rejects.toThrow('refused');
    expect(await reserveNonce(db, scope, 'above-high', chain(0), { admit: async () => 2 })).toBe(2);
    expect(await reserveNonce(db, scope, 'any', chain(0))).toBe(0);
    expect(await reserveNonce(db, scope, 'refused', chain(0))).toBe(3);
  });

  test('a gap filler claims a released nonce only while it is free', async () => {
    await reserveNonce(db, scope, 'g0', chain(0));
    await releaseNonce(db, 'g0');
    expect(await claimReleasedNonce(db, scope, 0, 'filler')).toBe(true);
    expect(await claimReleasedNonce(db, scope, 0, 'another')).toBe(false);
    await discardNonce(db, 'filler');
    expect(await reserveNonce(db, scope, 'g1', chain(1))).toBe(1);
  });
});
