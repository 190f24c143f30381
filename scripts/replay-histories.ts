import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';

/**
 * Replays every recorded history in a directory against the workflow code (a prebuilt bundle, or
 * src/workflows). Prints one JSON line per history and exits 1 if any replay fails.
 * Usage: tsx scripts/replay-histories.ts <histories-dir> [workflow-bundle.js]
 */
async function main() {
  const [dir, bundlePath] = process.argv.slice(2);
  if (!dir) throw new Error('usage: replay-histories <histories-dir> [workflow-bundle.js]');
  const histories = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((file) => ({
    workflowId: path.basename(file, '.json'),
    history: historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8'))),
  }));
  const options = bundlePath ? { workflowBundle: { codePath: bundlePath } } : { workflowsPath: require.resolve('../src/workflows') };
  let failed = 0;
  for await (const result of Worker.runReplayHistories(options, histories)) {
    if (result.error) failed++;
    console.log(JSON.stringify({ history: result.workflowId, ok: !result.error, error: result.error?.message }));
  }
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
