import { JsonRpcProvider, Network } from 'ethers';
import type { ChainConfig } from '../config';
import { ChainReader } from './chain-reader';
import { ChainFollower } from './follower';
import { NodeJsonRpcProvider } from './raw-rpc';

/** The configured chains and one JSON-RPC provider each. */
export class ChainRegistry {
  private readonly providers = new Map<number, JsonRpcProvider>();
  private readonly readers = new Map<number, ChainReader>();
  private readonly followers = new Map<number, ChainFollower>();
  private readonly uncached = new Map<number, JsonRpcProvider>();

  constructor(readonly chains: ChainConfig[]) {}

  byName(name: string): ChainConfig | undefined {
    return this.chains.find((c) => c.name === name);
  }

  byId(chainId: number): ChainConfig {
    const chain = this.chains.find((c) => c.chainId === chainId);
    if (!chain) throw new Error(`chain ${chainId} is not configured`);
    return chain;
  }

  provider(chainId: number): JsonRpcProvider {
    let provider = this.providers.get(chainId);
    if (!provider) {
      provider = newProvider(this.byId(chainId));
      this.providers.set(chainId, provider);
    }
    return provider;
  }

  /** The process's one reader of the chain's blocks, shared by the confirmations and the chain events. */
  reader(chainId: number): ChainReader {
    let reader = this.readers.get(chainId);
    if (!reader) {
      const chain = this.byId(chainId);
      // Its own provider without ethers' short result cache: a block or receipt looked for a moment ago may exist now.
      reader = new ChainReader(newProvider(chain, { cacheTimeout: -1 }), chain.pollIntervalMs);
      this.readers.set(chainId, reader);
    }
    return reader;
  }

  /** The process's one follower of the actions' confirmations on the chain, shared by everything waiting on it. */
  follower(chainId: number): ChainFollower {
    let follower = this.followers.get(chainId);
    if (!follower) {
      follower = new ChainFollower(this.reader(chainId));
      this.followers.set(chainId, follower);
    }
    return follower;
  }

  /** A provider of the chain's own for a reader that must see every answer fresh (ethers caches some briefly). */
  uncachedProvider(chainId: number): JsonRpcProvider {
    let provider = this.uncached.get(chainId);
    if (!provider) {
      provider = newProvider(this.byId(chainId), { cacheTimeout: -1 });
      this.uncached.set(chainId, provider);
    }
    return provider;
  }

  destroy() {
    for (const follower of this.followers.values()) follower.stop();
    this.followers.clear();
    for (const reader of this.readers.values()) reader.stop();
    this.readers.clear();
    for (const provider of [...this.providers.values(), ...this.uncached.values()]) provider.destroy();
    this.providers.clear();
    this.uncached.clear();
  }
}

/** A static network skips ethers' detection loop, which retries forever against a node that is down. */
function newProvider(chain: ChainConfig, options: { cacheTimeout?: number } = {}) {
  return new NodeJsonRpcProvider(chain.rpcUrl, chain.chainId, { staticNetwork: Network.from(chain.chainId), batchMaxCount: 1, ...options });
}
