import type { ChainRegistry } from '../chain/chains';
import type { Database } from '../db/database';
import type { ActionRow, ApiUrls } from '../domain';
import type { Metrics } from '../observability/metrics';
import type { SecretBox } from '../secrets/secret-box';
import type { WebhookSettings } from '../webhooks/settings';
import type { ActionOutcome } from './record-outcome';

export interface ActivityDeps {
  db: Database;
  chains: ChainRegistry;
  urls: ApiUrls;
  signerTimeoutMs: number;
  /** Confirmation waits the worker runs at once (see wait-slots.ts). */
  confirmationWaitSlots: number;
  /** Tells the process's webhook dispatcher, if it runs one, that an event was recorded. */
  wakeDispatcher(): void;
  /**
   * With a webhook dispatcher in the process: records an action's outcome (recordOutcome) with its event's
   * deliveries, which that dispatcher sends at once; answers the action as it ended, undefined if it had already.
   */
  recordAndSend?(actionId: string, outcome: ActionOutcome): Promise<ActionRow | undefined>;
  secrets: SecretBox;
  webhooks: WebhookSettings;
  metrics: Metrics;
}
