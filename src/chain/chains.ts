import { JsonRpcProvider, Network } from 'ethers';
import type { ChainConfig } from '../config';

/** The configured chains and one JSON-RPC provider each. */
export class ChainRegistry {
  private readonly providers = new Map<number, JsonRpcProvider>();

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

  destroy() {
    for (const provider of this.providers.values()) provider.destroy();
    this.providers.clear();
  }
}
