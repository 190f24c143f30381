import type { ChainRegistry } from '../chain/chains';
import type { Database } from '../db/database';
import type { ApiUrls } from '../domain';
import type { Metrics } from '../observability/metrics';
import type { SecretBox } from '../secrets/secret-box';
import type { WebhookDispatcher } from '../webhooks/dispatcher';
import type { WebhookSettings } from '../webhooks/settings';

export interface ActivityDeps {
  db: Database;
  chains: ChainRegistry;
  urls: ApiUrls;
  signerTimeoutMs: number;
  /** Confirmation waits the worker runs at once (see wait-slots.ts). */
  confirmationWaitSlots: number;
  /** Tells the process's webhook dispatcher, if it runs one, that an event was recorded. */
  wakeDispatcher(): void;
  /** The process's webhook dispatcher, if it runs one: an action's outcome records its deliveries for it to send. */
  dispatcher?: Pick<WebhookDispatcher, 'holdMs' | 'sendHeld'>;
  secrets: SecretBox;
  webhooks: WebhookSettings;
  metrics: Metrics;
}
