import { createHash } from 'node:crypto';

/** One delivery per (event, endpoint): its id derives from both, so a retried fan-out finds the same one. */
export function deliveryIdFor(eventId: string, endpointId: string): string {
  return `dlv_${createHash('sha256').update(`${eventId}\0${endpointId}`).digest('hex').slice(0, 32)}`;
}
