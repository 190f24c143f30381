import path from 'node:path';
import type { Config } from '../config';
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

/**
 * The environment to run the Temporal CLI in so it talks to the engine's Temporal: the CLI reads
 * TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE (and TEMPORAL_API_KEY, TEMPORAL_TLS) as the engine does; without
 * TEMPORAL_ADDRESS, the embedded dev server's port. The engine's TLS file settings go under the CLI's names.
 */
export function temporalCliEnvironment(
  config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_PORT' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_TLS_CERT_PATH' | 'TEMPORAL_TLS_KEY_PATH' | 'TEMPORAL_TLS_CA_PATH'>,
  env: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  const tls = {
    TEMPORAL_TLS_CLIENT_CERT_PATH: config.TEMPORAL_TLS_CERT_PATH,
    TEMPORAL_TLS_CLIENT_KEY_PATH: config.TEMPORAL_TLS_KEY_PATH,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: config.TEMPORAL_TLS_CA_PATH,
  };
  return {
    ...env,
    ...Object.fromEntries(Object.entries(tls).filter(([, value]) => value !== undefined)),
    TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_PORT}`,
    TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE,
  };
}
