import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { webhookDeliveryWorkflow } from '../workflows/webhook-delivery';
import { deliveryWorkflowId } from '../workflows/webhook-ids';

/**
 * Starts a delivery's attempts from `firstAttempt` on (2 after a failed first attempt, the next one for a
 * replay), after the delays of `scheduleMs` (the configured retry schedule unless given), the first at least
 * `retryAfterMs` (what the receiver asked for when the attempt before failed).
 */
export type DeliveryStarter = (deliveryId: string, firstAttempt?: number, scheduleMs?: number[], retryAfterMs?: number) => Promise<void>;

/** The delivery workflow runs on its own, outliving whoever started it; starting it twice is a no-op. */
export function createDeliveryStarter(client: Client, taskQueue: string, retryScheduleMs: number[]): DeliveryStarter {
  return async (deliveryId, firstAttempt = 1, scheduleMs = retryScheduleMs, retryAfterMs = 0) => {
    try {
      await client.workflow.start<typeof webhookDeliveryWorkflow>('webhookDeliveryWorkflow', {
        taskQueue,
        workflowId: deliveryWorkflowId(deliveryId, firstAttempt),
        args: [{ deliveryId, retryScheduleMs: scheduleMs, firstAttempt, ...(retryAfterMs > 0 ? { retryAfterMs } : {}) }],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  };
}
