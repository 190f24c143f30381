import { findTemporalServer } from '../src/stack/temporal-cluster/binaries';

const started = Date.now();
const bins = findTemporalServer((msg) => console.error(msg));
if (!bins) {
  console.error('no Temporal server found or built (set TEMPORAL_SERVER_BIN_DIR, or install Go so it can be built)');
  process.exit(1);
}
console.log(`${bins.server} ${bins.sqlTool} (Temporal ${bins.version}, ${Math.round((Date.now() - started) / 1000)} s)`);
