import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';
import { finishAction, insertAction } from '../../src/store/actions';
import { nftUpdateOrder } from '../../src/store/nft-updates';
import { reserveNonce } from '../../src/store/nonces';
import { createProject } from '../../src/store/projects';
import { databaseBackends } from '../support/databases';


describe.each(databaseBackends)('the order of one NFT\'s metadata updates on %s', (_name, open) => {
  let db: Database;
  let projectId: string;
  let nftId: string;
  let scope: { chainId: number; address: string };
  beforeAll(async () => {
    db = await open();
    await migrate(db);
    ({ projectId } = await createProject(db, { name: 'update order', signerUrl: 'http://signer.invalid', signerAddress: '0x0', signerSecretSealed: 'x' }));
  });
  beforeEach(() => {
    nftId = randomUUID();
    scope = { chainId: 1, address: `0x${Math.random().toString(16).slice(2).padEnd(40, '0')}` };
  });
  afterAll(async () => {
    // The PostgreSQL database is the end-to-end tests' too: no action of these may be left for their resumer.
    await db?.query(`UPDATE actions SET status = 'failed', stage = 'completed', completed_at = now() WHERE project_id = $1 AND status = 'pending'`, [projectId]);
    await db?.close();
  });

  async function update(metadataVersion: number) {
    const id = randomUUID();
    await insertAction(db, {
      id, projectId, type: 'nfts.update', chain: 'anvil', chainId: 1, collectionId: randomUUID(), resourceId: nftId,
      idempotencyKey: null, requestHash: 'h', payload: { type: 'nfts.update', nftId, metadataVersion },
    });
    return id;
  }
  const takeNonce = (holder: string) => reserveNonce(db, scope, holder, { latest: 0, pending: 0 });

  test('an update goes above the nonces of the older updates of its NFT, and nothing newer stops it', async () => {
    await takeNonce(randomUUID());
    const older = await update(2);
    expect(await takeNonce(older)).toBe(1);
    const newer = await update(3);
    expect(await nftUpdateOrder(db, newer)).toEqual({ lowestNonce: 2 });
    expect(await nftUpdateOrder(db, older)).toEqual({ lowestNonce: 0 });
  });

  test('a newer update that holds a nonce or succeeded supersedes an older one; one not yet sent or failed does not', async () => {
    const older = await update(2);
    const unsent = await update(3);
    const failed = await update(4);
    await takeNonce(failed);
    await finishAction(db, failed, { status: 'failed', error: { reason: 'signer_rejected', message: 'no' } });
    expect(await nftUpdateOrder(db, older)).toEqual({ lowestNonce: 0 });
    await takeNonce(unsent);
    expect(await nftUpdateOrder(db, older)).toEqual({ newerVersion: 3, lowestNonce: 0 });
    const succeeded = await update(5);
    await finishAction(db, succeeded, { status: 'succeeded', result: {} });
    expect(await nftUpdateOrder(db, older)).toEqual({ newerVersion: 5, lowestNonce: 0 });
  });
});
