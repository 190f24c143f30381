import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { webhookDeliveryWorkflow } from '../workflows/webhook-delivery';
import { deliveryWorkflowId } from '../workflows/webhook-ids';

/** Starts a delivery's attempts from `firstAttempt` on (1, or the next one for a replay). */
export type DeliveryStarter = (deliveryId: string, firstAttempt?: number) => Promise<void>;

/** The delivery workflow runs on its own, outliving whoever started it; starting it twice is a no-op. */
export function createDeliveryStarter(client: Client, taskQueue: string, retryScheduleMs: number[]): DeliveryStarter {
  return async (deliveryId, firstAttempt = 1) => {
    try {
      await client.workflow.start<typeof webhookDeliveryWorkflow>('webhookDeliveryWorkflow', {
        taskQueue,
        workflowId: deliveryWorkflowId(deliveryId, firstAttempt),
        args: [{ deliveryId, retryScheduleMs, firstAttempt }],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  };
}
