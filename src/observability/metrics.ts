import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { dbStatements } from '../db/database';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The engine's Prometheus metrics, one registry per process (`component` tells the api from the worker).
 * Labels are bounded sets (action types, outcomes, route templates), never ids.
 */
export function createMetrics(component: 'api' | 'worker' | 'embedded') {
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  collectDefaultMetrics({ register: registry });
  // Counted where statements are sent (src/db/database.ts), for the whole process.
  registry.registerMetric(dbStatements);
  const registers = [registry];
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'nft_engine_http_request_duration_seconds', help: 'HTTP requests served, by method, route template and status',
      labelNames: ['method', 'route', 'status'] as const, buckets: SECONDS, registers,
    }),
    actionsStarted: new Counter({
      name: 'nft_engine_actions_started_total', help: 'Actions accepted and their workflow started, by type', labelNames: ['type'] as const, registers,
    }),
    actionsFinished: new Counter({
      name: 'nft_engine_actions_finished_total', help: 'Actions that reached an end state, by type and status (succeeded, failed)',
      labelNames: ['type', 'status'] as const, registers,
    }),
    signerRequestDuration: new Histogram({
      name: 'nft_engine_signer_request_duration_seconds', help: 'Calls to signing endpoints, by outcome (signed, rejected, unavailable)',
      labelNames: ['outcome'] as const, buckets: SECONDS, registers,
    }),
    webhookAttempts: new Counter({
      name: 'nft_engine_webhook_attempts_total', help: 'Webhook delivery attempts, by outcome (succeeded, failed, gone, endpoint_inactive)',
      labelNames: ['outcome'] as const, registers,
    }),
    webhookDeliveries: new Counter({
      name: 'nft_engine_webhook_deliveries_total', help: 'Webhook deliveries that ended, by outcome (succeeded, failed, skipped)',
      labelNames: ['outcome'] as const, registers,
    }),
    chainEventsLag: new Gauge({
      name: 'nft_engine_chain_events_lag_blocks', help: 'Blocks between the chain head and the last block the chain event follower processed, by chain',
      labelNames: ['chain'] as const, registers,
    }),
    chainEventsRecorded: new Counter({
      name: 'nft_engine_chain_events_recorded_total', help: 'Chain events recorded for delivery (subscriptions and creator notifications), by type',
      labelNames: ['type'] as const, registers,
    }),
    // One series per signer address: as many as the projects' signers, not per action.
    nonceDrift: new Gauge({
      name: 'nft_engine_nonce_drift', help: "Nonces the engine gave out beyond the chain's pending nonce (negative: the address sent transactions outside the engine), by chain and signer address, at the last nonce health check",
      labelNames: ['chain', 'address'] as const, registers,
    }),
    nonceGapsFilled: new Counter({
      name: 'nft_engine_nonce_gaps_filled_total', help: 'Nonce gaps the nonce health check filled, by chain and how (filled: a new gap filler, resent: a dropped transaction sent again)',
      labelNames: ['chain', 'how'] as const, registers,
    }),
    actionsReorged: new Counter({
      name: 'nft_engine_actions_reorged_total', help: 'Completed actions whose block a reorg replaced, by chain and outcome (moved: mined in another block, resent: sent again)',
      labelNames: ['chain', 'outcome'] as const, registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
