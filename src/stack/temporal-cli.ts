import path from 'node:path';
import { cacheRoot, goInstall, isExecutable, onPath } from './go-build';

/** The Temporal CLI versions that `go install` can build (later tags carry a replace directive). */
const BUILDABLE_VERSIONS = ['v1.5.1', 'v1.4.1'];

const cachedBinary = (version: string) => path.join(cacheRoot(), `temporal-cli-${version}`, 'temporal');

/**
 * Finds the Temporal CLI: TEMPORAL_CLI_PATH, then `temporal` on PATH, then a cached build, then builds
 * it with `go install` into the cache. Returns undefined when none can be had (the caller may then let
 * the SDK download one, where there is internet).
 */
export function findTemporalCli(log: (msg: string) => void = () => undefined): string | undefined {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const found = onPath('temporal') ?? BUILDABLE_VERSIONS.map(cachedBinary).find(isExecutable);
  if (found) return found;
  if (!onPath('go')) return undefined;
  for (const version of BUILDABLE_VERSIONS) {
    const target = cachedBinary(version);
    log(`building the Temporal CLI ${version} with go install (a few minutes, once)`);
    if (goInstall(['github.com/temporalio/cli/cmd/temporal'], version, path.dirname(target), log) && isExecutable(target)) return target;
  }
  return undefined;
}
