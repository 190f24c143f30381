import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const isExecutable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Where built tools are kept between runs: $XDG_CACHE_HOME/nft-engine or ~/.cache/nft-engine. */
export const cacheRoot = () => path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'nft-engine');

export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * `go install` of packages of one module version into `binDir` (statically linked, CGO off unless set).
 * Returns whether it ran without error; the caller checks for the binaries it expects. Nothing when Go is missing.
 */
export function goInstall(packages: string[], version: string, binDir: string, log: (msg: string) => void): boolean {
  if (!onPath('go')) return false;
  mkdirSync(binDir, { recursive: true });
  try {
    execFileSync('go', ['install', ...packages.map((pkg) => `${pkg}@${version}`)], {
      env: { ...process.env, GOBIN: binDir, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
      // The first build of a server downloads and compiles hundreds of modules; a hung proxy must not hang CI.
      timeout: 40 * 60_000,
    });
    return true;
  } catch (err) {
    log(`go install ${packages.join(' ')}@${version} failed: ${String((err as { stderr?: Buffer }).stderr ?? err).slice(-2000)}`);
    return false;
  }
}
