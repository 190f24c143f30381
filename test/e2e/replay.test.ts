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

  const actionPaths = [
    'erc721-collection', 'erc721-mint', 'erc721-update', 'erc1155-token-type',
    'mint-reverted', 'mint-signer-rejected', 'mint-rejected-gap-filled', 'mint-signer-down-then-back',
  ];
  const lifecyclePaths = [
    'mint-replaced-when-stuck', 'mint-replaced-through-signer', 'mint-cancelled', 'mint-cancel-lost-race', 'mint-cancelled-before-sent',
    'mint-nonce-used-elsewhere', 'mint-chain-unreachable',
  ];

  test('there are recorded histories of every path through the workflow, from before and after each patch', () => {
    expect(files).toEqual(expect.arrayContaining([
      ...actionPaths.map((name) => `${name}.json`),
      // Recorded before the signing call became a local activity, before the chain follower and the outbox
      // dispatcher, and before the engine's steps became local activities: actions still running from then must finish.
      ...actionPaths.map((name) => `remote-signer-${name}.json`),
      ...actionPaths.map((name) => `local-steps-${name}.json`),
      ...actionPaths.map((name) => `remote-steps-${name}.json`),
      // Recorded before an unconfirmed transaction was replaced, cancellable and followed through outages.
      ...actionPaths.map((name) => `confirmation-timeout-${name}.json`),
      ...lifecyclePaths.map((name) => `${name}.json`),
      // Recorded as actionWorkflow, before actionWorkflowV2 (no patches, reserving, signing and sending as one step).
      ...[...actionPaths, ...lifecyclePaths].map((name) => `separate-send-steps-${name}.json`),
      'webhook-delivery-retried.json', 'webhook-delivery-gone.json',
      // A delivery recorded before jitter and Retry-After.
      'plain-schedule-webhook-delivery-retried.json',
      'batch-mint-erc1155.json', 'batch-mint-signer-rejected.json', 'batch-mint-refused-mid-batch.json',
      // Batches recorded before chunks were signed ahead of their turn, before they were signed inside the workflow
      // task, and before they were recorded as they confirmed.
      'one-chunk-at-a-time-batch-mint-erc1155.json', 'one-chunk-at-a-time-batch-mint-signer-rejected.json',
      'remote-signer-batch-mint-erc1155.json', 'remote-signer-batch-mint-signer-rejected.json',
      'record-at-end-batch-mint-erc1155.json', 'record-at-end-batch-mint-signer-rejected.json',
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
