import type { Database } from '../db/database';
import { insertOutboxEvents } from '../store/outbox';
import { clearFailingStreak, recordEndpointFailure } from '../store/webhooks';
import { endpointDisabledEvent } from './operational-events';

/**
 * Records what a delivery's end says of its endpoint (see recordEndpointFailure). Disabling it records the
 * endpoint.disabled event in the same transaction, so it is told exactly once; answers whether it did.
 */
export async function recordEndpointHealth(
  db: Database, endpointId: string, outcome: 'succeeded' | 'failed' | 'gone', failedSince: Date, disableAfterMs: number,
): Promise<boolean> {
  if (outcome === 'succeeded') {
    await clearFailingStreak(db, endpointId);
    return false;
  }
  return db.transaction(async (tx) => {
    const disabled = await recordEndpointFailure(tx, endpointId, outcome === 'gone', failedSince, disableAfterMs);
    if (disabled) await insertOutboxEvents(tx, [endpointDisabledEvent(disabled)]);
    return Boolean(disabled);
  });
}
