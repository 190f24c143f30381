import { spawnSync } from 'node:child_process';
import { loadConfig } from '../src/config';
import { findTemporalCli, temporalCliEnvironment } from '../src/stack/temporal-cli';

/** `npm run temporal -- <arguments>`: the Temporal CLI the engine finds or builds, talking to the engine's Temporal. */
const cli = findTemporalCli((msg) => console.error(msg));
if (!cli) {
  console.error('no Temporal CLI found or built (set TEMPORAL_CLI_PATH, or install Go so it can be built)');
  process.exit(1);
}
const run = spawnSync(cli, process.argv.slice(2), { stdio: 'inherit', env: temporalCliEnvironment(loadConfig(), process.env) });
if (run.error) {
  console.error(`${cli}: ${run.error.message}`);
  process.exit(1);
}
process.exit(run.status ?? 1);
