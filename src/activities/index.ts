import { createBatchPlanActivities } from './batch-plan';
import { createBatchRecordActivities } from './batch-record';
import { createBatchSendActivities } from './batch-send';
import { createBroadcastActivities } from './broadcast';
import { createConfirmActivities } from './confirm';
import type { ActivityDeps } from './deps';
import { createPrepareActivities } from './prepare';
import { createRecordActivities } from './record';
import { createReplaceActivities } from './replace';
import { createSendActivities } from './send';
import { createSigningActivities } from './signing';
import { waitSlots } from './wait-slots';
import { createWebhookActivities } from './webhooks';

export type { ActivityDeps } from './deps';

/** Every activity of the action, batch mint and webhook workflows, bound to the clients the worker wires once. */
export function createActivities(deps: ActivityDeps) {
  const waits = waitSlots(deps.confirmationWaitSlots);
  const signing = createSigningActivities(deps);
  const broadcast = createBroadcastActivities(deps);
  return {
    ...createPrepareActivities(deps),
    ...signing,
    ...broadcast,
    ...createSendActivities({ ...signing, ...broadcast }),
    ...createConfirmActivities(deps, waits),
    ...createReplaceActivities(deps),
    ...createRecordActivities(deps),
    ...createBatchPlanActivities(deps),
    ...createBatchSendActivities(deps, waits),
    ...createBatchRecordActivities(deps),
    ...createWebhookActivities(deps),
  };
}
