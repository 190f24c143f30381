import type { Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';
import { claimNonceGap, markNonceBroadcast, releaseNonce, reserveNonce } from '../../src/store/nonces';
import { databaseBackends } from '../support/databases';


describe.each(databaseBackends)('nonce gap claims on %s', (_name, open) => {
  let db: Database;
  let scope: { chainId: number; address: string };
  beforeAll(async () => {
    db = await open();
    await migrate(db);
  });
  beforeEach(() => {
    scope = { chainId: 1, address: `0x${Math.random().toString(16).slice(2).padEnd(40, '0')}` };
  });
  // Holders are unique across addresses: each test's are its own.
  const as = (holder: string) => `${holder}-${scope.address}`;
  afterAll(() => db?.close());

  const chain = { latest: 0, pending: 0 };
  const holderOf = async (nonce: number) =>
    (await db.query<{ holder: string | null }>('SELECT holder FROM nonce_leases WHERE chain_id = $1 AND address = $2 AND nonce = $3', [scope.chainId, scope.address, nonce]))[0]?.holder;

  test('of several checks claiming a nonce never given out, one gets it', async () => {
    await reserveNonce(db, scope, as('sent'), chain);
    await db.query('UPDATE signer_nonces SET next_nonce = 3 WHERE chain_id = $1 AND address = $2', [scope.chainId, scope.address]);
    const claims = await Promise.all(Array.from({ length: 5 }, (_, i) => claimNonceGap(db, scope, 1, as(`filler-${i}`), 60_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await holderOf(1)).toBe(as(`filler-${claims.indexOf(true)}`));
  });

  test('a released nonce goes to the check or to the next action, never to both', async () => {
    await reserveNonce(db, scope, as('failed'), chain);
    await reserveNonce(db, scope, as('later'), chain);
    await markNonceBroadcast(db, as('later'));
    await releaseNonce(db, as('failed'));
    const [claimed, reserved] = await Promise.all([claimNonceGap(db, scope, 0, as('filler'), 60_000), reserveNonce(db, scope, as('next'), chain)]);
    expect(await holderOf(0)).toBe(claimed ? as('filler') : as('next'));
    expect(reserved === 0).toBe(!claimed);
  });

  test('a lease held by what is no action is taken over only once it is stale', async () => {
    await reserveNonce(db, scope, as('cut-short-filler'), chain);
    expect(await claimNonceGap(db, scope, 0, as('filler'), 60_000)).toBe(false);
    expect(await claimNonceGap(db, scope, 0, as('filler'), 0)).toBe(true);
    expect(await holderOf(0)).toBe(as('filler'));
  });
});
