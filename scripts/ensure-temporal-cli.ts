import { findTemporalCli } from '../src/stack/temporal-cli';

const cli = findTemporalCli((msg) => console.error(msg));
if (!cli) {
  console.error('no Temporal CLI found or built (set TEMPORAL_CLI_PATH, or install Go so it can be built)');
  process.exit(1);
}
console.log(cli);
