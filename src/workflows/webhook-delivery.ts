import { proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { AttemptOutcome } from '../activities/webhooks';

type Activities = ReturnType<typeof createActivities>;

/** Each attempt is one activity: its own retries cover only the engine's own faults (database), never the receiver. */
const { attemptDelivery, completeDelivery } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

export interface WebhookDeliveryInput {
  deliveryId: string;
  /** Delay before each attempt, the first usually 0. */
  retryScheduleMs: number[];
  /** Number of the first attempt: a replay continues the delivery's history. */
  firstAttempt?: number;
}

/** One event to one endpoint: attempts on the retry schedule until a 2xx, a 410, or the last attempt. */
export async function webhookDeliveryWorkflow({ deliveryId, retryScheduleMs, firstAttempt = 1 }: WebhookDeliveryInput): Promise<AttemptOutcome> {
  let outcome: AttemptOutcome = 'failed';
  for (const [index, delayMs] of retryScheduleMs.entries()) {
    if (delayMs > 0) await sleep(delayMs);
    outcome = await attemptDelivery(deliveryId, firstAttempt + index);
    if (outcome !== 'failed') break;
  }
  await completeDelivery(deliveryId, outcome);
  return outcome;
}
