import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A value generated once and kept in the data directory (readable by its owner only), so restarts keep it. */
export function persisted(dataDir: string, name: string, make: () => string): string {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}
