import type { Server } from 'node:http';
import { Wallet } from 'ethers';
import { ChainRegistry } from '../chain/chains';
import type { ChainConfig } from '../config';
import { createLogger, type LogFn } from '../log';
import { listen } from '../cli/listen';
import { createSignerApp } from './app';

export interface SignerOptions {
  privateKey: string;
  secret: string;
  chains: ChainConfig[];
  host: string;
  port: number;
  blockedRecipients?: string[];
  log?: LogFn;
}

/** Starts the reference signer; resolves once it listens. */
export async function startSigner(opts: SignerOptions): Promise<{ server: Server; url: string; address: string; close(): Promise<void> }> {
  const chains = new ChainRegistry(opts.chains);
  const wallet = new Wallet(opts.privateKey);
  const app = createSignerApp({
    wallet,
    secret: opts.secret,
    provider: (chainId) => (opts.chains.some((c) => c.chainId === chainId) ? chains.provider(chainId) : undefined),
    blockedRecipients: new Set((opts.blockedRecipients ?? []).map((a) => a.toLowerCase())),
    log: opts.log ?? createLogger('signer'),
  });
  const server = await listen(app, opts.port, opts.host);
  const port = (server.address() as { port: number }).port;
  return {
    server,
    url: `http://${opts.host}:${port}/sign`,
    address: wallet.address,
    close: () => new Promise((resolve) => {
      chains.destroy();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
