import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { spawnService, waitUntil, type Service } from './process';

const PLATFORM_PACKAGES: Record<string, string> = {
  'linux-x64': 'anvil-linux-amd64',
  'linux-arm64': 'anvil-linux-arm64',
  'darwin-x64': 'anvil-darwin-amd64',
  'darwin-arm64': 'anvil-darwin-arm64',
  'win32-x64': 'anvil-win32-amd64',
};

/** The anvil binary shipped by the npm package @foundry-rs/anvil for this platform. */
export function anvilBinary(): string {
  const pkg = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  if (!pkg) throw new Error(`@foundry-rs/anvil has no binary for ${process.platform}-${process.arch}`);
  const dir = path.dirname(require.resolve(`@foundry-rs/${pkg}/package.json`));
  return path.join(dir, 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
}

export interface AnvilOptions {
  port: number;
  chainId: number;
  blockTimeSeconds?: number;
  /** Directory to keep the chain state in across restarts; none keeps it in memory. */
  stateDir?: string;
  logFile: string;
}

export async function startAnvil(opts: AnvilOptions): Promise<Service & { rpcUrl: string }> {
  const args = ['--host', '127.0.0.1', '--port', String(opts.port), '--chain-id', String(opts.chainId)];
  if (opts.blockTimeSeconds) args.push('--block-time', String(opts.blockTimeSeconds));
  if (opts.stateDir) {
    mkdirSync(opts.stateDir, { recursive: true });
    args.push('--state', path.join(opts.stateDir, 'state.json'), '--state-interval', '5');
  }
  const service = spawnService('anvil', anvilBinary(), args, { logFile: opts.logFile });
  const rpcUrl = `http://127.0.0.1:${opts.port}`;
  await waitUntil('anvil', async () => {
    const res = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }) });
    return res.ok;
  }, 30_000, service);
  return { ...service, rpcUrl };
}
