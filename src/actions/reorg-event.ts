/** Forwards to the reorg event's new home for src/health/reorg-check.ts, being changed elsewhere; goes once it imports that. */
export { recordReorgEvent } from '../webhooks/reorg-event';
