import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The Temporal CLI versions that `go install` can build (later tags carry a replace directive). */
const BUILDABLE_VERSIONS = ['v1.5.1', 'v1.4.1'];

const isExecutable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const cacheRoot = () => path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'nft-engine');
const cachedBinary = (version: string) => path.join(cacheRoot(), `temporal-cli-${version}`, 'temporal');

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

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
    mkdirSync(path.dirname(target), { recursive: true });
    log(`building the Temporal CLI ${version} with go install (a few minutes, once)`);
    try {
      execFileSync('go', ['install', `github.com/temporalio/cli/cmd/temporal@${version}`], {
        env: { ...process.env, GOBIN: path.dirname(target), CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      if (isExecutable(target)) return target;
    } catch (err) {
      log(`go install of the Temporal CLI ${version} failed: ${String((err as { stderr?: Buffer }).stderr ?? err).slice(-2000)}`);
    }
  }
  return undefined;
}
