import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { testStack } from '../support/env';
import { HISTORIES_DIR } from '../support/harness';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Replays recorded action histories (made with RECORD_HISTORIES=1 npm test) against the current
 * workflow code: a change that would break running actions fails here. The replay runs in its own
 * process, away from jest's module registry, which the SDK's native runtime and protobufjs do not survive.
 */
describe('workflow determinism', () => {
  const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json')).sort();

  test('there are recorded histories of every path through the workflow', () => {
    expect(files).toEqual(expect.arrayContaining([
      'erc721-collection.json', 'erc721-mint.json', 'erc721-update.json', 'erc1155-token-type.json',
      'mint-reverted.json', 'mint-signer-rejected.json', 'mint-rejected-gap-filled.json', 'mint-signer-down-then-back.json',
      'webhook-delivery-retried.json', 'webhook-delivery-gone.json',
    ]));
  });

  test('every recorded history replays without nondeterminism', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/replay-histories.ts', HISTORIES_DIR, testStack().workflowBundlePath], {
      cwd: ROOT, encoding: 'utf8', timeout: 120_000,
    });
    const results = run.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { history: string; ok: boolean; error?: string });
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.map((r) => `${r.history}.json`)).toEqual(files);
    expect(run.status).toBe(0);
  });
});
