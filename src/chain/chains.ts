import { JsonRpcProvider, Network } from 'ethers';
import type { ChainConfig } from '../config';
import { ChainFollower } from './follower';

/** The configured chains and one JSON-RPC provider each. */
export class ChainRegistry {
  private readonly providers = new Map<number, JsonRpcProvider>();
  private readonly followers = new Map<number, ChainFollower>();

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
      const chain = this.byId(chainId);
      // A static network skips ethers' detection loop, which retries forever against a node that is down.
      provider = new JsonRpcProvider(chain.rpcUrl, chainId, { staticNetwork: Network.from(chainId), batchMaxCount: 1 });
      this.providers.set(chainId, provider);
    }
    return provider;
  }

  /** The process's one follower of the chain's head, shared by everything waiting on that chain. */
  follower(chainId: number): ChainFollower {
    let follower = this.followers.get(chainId);
    if (!follower) {
      const chain = this.byId(chainId);
      // Its own provider without ethers' short result cache: a receipt looked up a moment ago may exist now.
      const provider = new JsonRpcProvider(chain.rpcUrl, chainId, { staticNetwork: Network.from(chainId), batchMaxCount: 1, cacheTimeout: -1 });
      follower = new ChainFollower(provider, chain.pollIntervalMs);
      this.followers.set(chainId, follower);
    }
    return follower;
  }

  destroy() {
    for (const follower of this.followers.values()) follower.stop();
    this.followers.clear();
    for (const provider of this.providers.values()) provider.destroy();
    this.providers.clear();
  }
}
