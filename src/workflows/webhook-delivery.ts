import { patched, proxyActivities, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { AttemptOutcome } from '../activities/webhooks';

type Activities = ReturnType<typeof createActivities>;

/** Each attempt is one activity: its own retries cover only the engine's own faults (database), never the receiver. */
const { attemptDelivery, attemptDeliveryHeeded, completeDelivery } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/**
 * Each delay is moved by up to ±20 % (jitter), so deliveries that failed together do not all come back at
 * once, and is at least what the receiver asked for in Retry-After. Deliveries started before this change
 * keep the plain schedule.
 */
const JITTER_AND_RETRY_AFTER = 'jitter-and-retry-after';
const JITTER = 0.2;

/** Math.random in a workflow is seeded by the run, so the same delays come back on replay. */
const jittered = (delayMs: number) => Math.round(delayMs * (1 - JITTER + 2 * JITTER * Math.random()));

export interface WebhookDeliveryInput {
  deliveryId: string;
  /** Delay before each attempt, the first usually 0. */
  retryScheduleMs: number[];
  /** Number of the first attempt: a replay continues the delivery's history. */
  firstAttempt?: number;
  /** What the attempt before this workflow's first asked for in Retry-After. */
  retryAfterMs?: number;
}

/** One event to one endpoint: attempts on the retry schedule until a 2xx, a 410, or the last attempt. */
export async function webhookDeliveryWorkflow({ deliveryId, retryScheduleMs, firstAttempt = 1, retryAfterMs = 0 }: WebhookDeliveryInput): Promise<AttemptOutcome> {
  const heeding = patched(JITTER_AND_RETRY_AFTER);
  let outcome: AttemptOutcome = 'failed';
  let askedMs = retryAfterMs;
  for (const [index, delayMs] of retryScheduleMs.entries()) {
    const waitMs = heeding ? Math.max(jittered(delayMs), askedMs) : delayMs;
    if (waitMs > 0) await sleep(waitMs);
    if (heeding) {
      const heeded = await attemptDeliveryHeeded(deliveryId, firstAttempt + index);
      outcome = heeded.outcome;
      askedMs = heeded.retryAfterMs ?? 0;
    } else {
      outcome = await attemptDelivery(deliveryId, firstAttempt + index);
    }
    if (outcome !== 'failed') break;
  }
  await completeDelivery(deliveryId, outcome);
  return outcome;
}
