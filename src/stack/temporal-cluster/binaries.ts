import path from 'node:path';
import { cacheRoot, goInstall, isExecutable } from '../go-build';
import { TEMPORAL_SERVER_VERSION } from './version';

export interface TemporalServerBinaries {
  version: string;
  /** go.temporal.io/server/cmd/server */
  server: string;
  /** go.temporal.io/server/cmd/tools/sql (temporal-sql-tool) */
  sqlTool: string;
}

const PACKAGES = ['go.temporal.io/server/cmd/server', 'go.temporal.io/server/cmd/tools/sql'];

/**
 * The Temporal server and its SQL tool at the pinned version: TEMPORAL_SERVER_BIN_DIR (holding `server` and
 * `sql`), else a cached build, else built with `go install` into the cache (several minutes, once).
 * Undefined when none can be had.
 */
export function findTemporalServer(log: (msg: string) => void = () => undefined): TemporalServerBinaries | undefined {
  const version = TEMPORAL_SERVER_VERSION;
  const at = (dir: string) => ({ version, server: path.join(dir, 'server'), sqlTool: path.join(dir, 'sql') });
  const fromEnv = process.env.TEMPORAL_SERVER_BIN_DIR;
  if (fromEnv) {
    const bins = at(fromEnv);
    if (!isExecutable(bins.server) || !isExecutable(bins.sqlTool)) throw new Error(`TEMPORAL_SERVER_BIN_DIR=${fromEnv} has no executable server and sql`);
    return bins;
  }
  const cached = at(path.join(cacheRoot(), `temporal-server-${version}`));
  const complete = () => isExecutable(cached.server) && isExecutable(cached.sqlTool);
  if (complete()) return cached;
  log(`building the Temporal server ${version} and its SQL tool with go install (several minutes, once)`);
  return goInstall(PACKAGES, version, path.dirname(cached.server), log) && complete() ? cached : undefined;
}
