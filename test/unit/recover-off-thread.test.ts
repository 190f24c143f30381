import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Wallet } from 'ethers';

const ROOT = path.resolve(__dirname, '../..');

describe('the signature recovery thread', () => {
  test('holds a process open while a recovery is under way, and not after', async () => {
    const wallet = Wallet.createRandom();
    const hash = `0x${'ab'.repeat(32)}`;
    const { r, s, yParity } = wallet.signingKey.sign(hash);
    // A script whose only work is one recovery: it must print the address, then exit on its own.
    const script = `const { recoverOffThread } = require('./src/signing/recover-off-thread.ts');
      recoverOffThread(${JSON.stringify(hash)}, ${JSON.stringify({ r, s, yParity })}).then((address) => console.log(address));`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(run.signal).toBeNull();
    expect(run.stdout.trim()).toBe(wallet.address);
    expect(run.status).toBe(0);
  });
});
