import type { ApiUrls } from '../actions/urls';
import type { ChainRegistry } from '../chain/chains';
import type { Database } from '../db/database';

export interface ActivityDeps {
  db: Database;
  chains: ChainRegistry;
  urls: ApiUrls;
  signerTimeoutMs: number;
}
