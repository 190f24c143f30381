import type { Database } from '../db/database';
import type { Metrics } from '../observability/metrics';
import type { SecretBox } from '../secrets/secret-box';
import { claimFirstAttempts, dispatchOutboxEvents, holdDeliveries, recordFirstAttempts, type FirstAttempt } from '../store/dispatch';
import type { NewOutboxEvent } from '../store/outbox';
import { getEndpoint, type DeliveryRow, type EndpointRow } from '../store/webhooks';
import { attemptDelivery, attemptOutcome } from './attempt';
import { recordEndpointHealth } from './endpoint-health';
import { attemptExhaustedEvent } from './operational-events';
import { planDeliveries } from './plan-deliveries';

export interface DispatcherDeps {
  db: Database;
  secrets: SecretBox;
  settings: { timeoutMs: number; allowPrivateUrls: boolean; retryScheduleMs: number[]; disableAfterMs: number };
  /**
   * Starts the delivery workflow that makes the attempts from `firstAttempt` on, after the given delays, the
   * first at least `retryAfterMs`.
   */
  handOff(deliveryId: string, firstAttempt: number, scheduleMs: number[], retryAfterMs?: number): Promise<void>;
  metrics: Metrics;
  log(message: string, fields?: Record<string, unknown>): void;
}

const EVENTS_PER_ROUND = 200;
const CLAIMS_PER_ROUND = 500;
/** Deliveries queued for one endpoint before the dispatcher stops taking more of its deliveries. */
const QUEUE_PER_ENDPOINT = 200;
/** Deliveries sent before their results are handed to be written. */
const SEND_BATCH = 50;
/**
 * Attempts at once to an endpoint that does not ask for order. Mints confirm a block at a time, so their events
 * come in bursts: one at a time, the last of a burst waits for all the others (most of the webhook latency).
 */
const IN_FLIGHT_PER_ENDPOINT = 8;
/** An endpoint's deliveries sent and not yet written before sending waits for the writing. */
const UNRECORDED_AT_MOST = 200;
const IDLE_POLL_MS = 100;
/** After a failed first attempt, an endpoint's next deliveries go straight to workflows for this long. */
const FAILING_ENDPOINT_MS = 30_000;
const HANDOFF_PARALLELISM = 16;
/** Deliveries queued in this process before it takes no more events from the outbox. */
const QUEUED_AT_MOST = 2_000;
/** A delivery whose retry workflow could not be started is left for this long, then attempted again. */
const HANDOFF_RETRY_MS = 30_000;
/**
 * An endpoint read longer ago than this is read again before a batch is sent, and during it: it may have been
 * deleted, paused or disabled.
 */
const ENDPOINT_RECHECK_MS = 1_000;

interface EndpointQueue {
  pending: DeliveryRow[];
  ids: Set<string>;
  draining?: Promise<void>;
}

/**
 * Makes every delivery's first attempt as soon as it exists, without a workflow: outbox events become
 * deliveries, and each endpoint gets a queue whose attempts start in order, one at a time for an endpoint
 * that asks for order and a few at once otherwise, so a slow or hanging endpoint holds up only itself. A
 * delivery whose first attempt fails goes to a delivery workflow for its retries (the durable schedule); while
 * an endpoint keeps failing, its deliveries go there directly.
 * Deliveries are held while being sent; a dispatcher that dies leaves them to another once the hold expires.
 */
export class WebhookDispatcher {
  private readonly queues = new Map<string, EndpointQueue>();
  private readonly failingUntil = new Map<string, number>();
  /** Until when an endpoint asked to be left alone (Retry-After): its deliveries handed off meanwhile wait too. */
  private readonly askedUntil = new Map<string, number>();
  /** Endpoints as the last dispatch read them, so a batch sent right after does not read its endpoint again. */
  private readonly endpointsRead = new Map<string, { endpoint: EndpointRow; at: number }>();
  /** How long a delivery taken for sending is held from other dispatchers. */
  readonly holdMs: number;
  private stopped = false;
  private heldAt = Date.now();
  private wakeUp?: () => void;
  private woken = false;
  private loop?: Promise<void>;

  constructor(private readonly deps: DispatcherDeps) {
    this.holdMs = Math.max(60_000, deps.settings.timeoutMs * 4);
  }

  start() {
    this.loop ??= this.run();
  }

  /** New work may be waiting (an event recorded, a delivery stored): look now rather than at the next poll. */
  wake = () => {
    this.woken = true;
    this.wakeUp?.();
  };

  /**
   * Sends deliveries recorded and held for this dispatcher elsewhere in the process (an action's outcome and its
   * deliveries are recorded together), with their endpoints as that transaction read them. Ones it cannot queue
   * now (stopping, or queues full) are released for a later round to take.
   */
  sendHeld(deliveries: DeliveryRow[], endpoints: EndpointRow[]) {
    const readAt = Date.now();
    for (const endpoint of endpoints) this.endpointsRead.set(endpoint.id, { endpoint, at: readAt });
    let queued = this.queuedIds().length;
    const released: string[] = [];
    for (const delivery of deliveries) {
      const queue = this.queues.get(delivery.endpoint_id);
      if (this.stopped || queued >= QUEUED_AT_MOST || (queue?.pending.length ?? 0) >= QUEUE_PER_ENDPOINT) {
        released.push(delivery.id);
        continue;
      }
      this.enqueue(delivery);
      queued++;
    }
    if (released.length > 0) {
      holdDeliveries(this.deps.db, released, 0).then(this.wake, (err) =>
        this.deps.log('webhook deliveries could not be released; they are taken up once their hold expires', { error: (err as Error).message }));
    }
  }

  /** Stops taking work, lets each endpoint finish the delivery it is sending, and releases the rest. */
  async stop() {
    this.stopped = true;
    this.wake();
    await this.loop;
    await Promise.all([...this.queues.values()].map((q) => q.draining));
    const left = this.queuedIds();
    if (left.length > 0) await holdDeliveries(this.deps.db, left, 0);
  }

  private async run() {
    while (!this.stopped) {
      let found = false;
      try {
        await this.renewHolds();
        const full = [...this.queues].filter(([, q]) => q.pending.length >= QUEUE_PER_ENDPOINT).map(([id]) => id);
        const readAt = Date.now();
        // Side by side: deliveries the dispatch inserts are held, and not visible before it commits, so the
        // claim cannot take them. New deliveries are queued after the older ones claimed.
        const [claimed, { events, deliveries, endpoints }] = await Promise.all([
          claimFirstAttempts(this.deps.db, CLAIMS_PER_ROUND, this.holdMs, full),
          this.queuedIds().length < QUEUED_AT_MOST
            ? dispatchOutboxEvents(this.deps.db, EVENTS_PER_ROUND, planDeliveries, { holdMs: this.holdMs })
            : { events: 0, deliveries: [], endpoints: [] },
        ]);
        for (const endpoint of endpoints) this.endpointsRead.set(endpoint.id, { endpoint, at: readAt });
        for (const delivery of [...claimed, ...deliveries]) this.enqueue(delivery);
        found = events > 0 || claimed.length > 0;
      } catch (err) {
        this.deps.log('webhook dispatch failed; trying again', { error: (err as Error).message });
      }
      if (!found) await this.idle();
    }
  }

  private queuedIds(): string[] {
    return [...this.queues.values()].flatMap((q) => q.pending.map((d) => d.id));
  }

  /** Keeps the hold on queued deliveries from running out while they wait behind a slow receiver. */
  private async renewHolds() {
    if (Date.now() - this.heldAt < this.holdMs / 3) return;
    this.heldAt = Date.now();
    const queued = this.queuedIds();
    if (queued.length > 0) await holdDeliveries(this.deps.db, queued, this.holdMs);
  }

  private async idle() {
    if (this.woken) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, IDLE_POLL_MS);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = undefined;
    this.woken = false;
  }

  private enqueue(delivery: DeliveryRow) {
    let queue = this.queues.get(delivery.endpoint_id);
    if (!queue) {
      queue = { pending: [], ids: new Set() };
      this.queues.set(delivery.endpoint_id, queue);
    }
    if (queue.ids.has(delivery.id)) return;
    queue.ids.add(delivery.id);
    queue.pending.push(delivery);
    queue.draining ??= this.drain(delivery.endpoint_id, queue).finally(() => {
      queue.draining = undefined;
      if (queue.pending.length === 0) this.queues.delete(delivery.endpoint_id);
    });
  }

  /**
   * Sends the queue's batches one after the other while what was sent is written, as many batches together as
   * have been sent meanwhile (the deliveries stay held until then); sending waits for the writing only when
   * UNRECORDED_AT_MOST deliveries are sent and not yet written.
   */
  private async drain(endpointId: string, queue: EndpointQueue) {
    const unrecorded: SentBatch[] = [];
    let writing: Promise<void> | undefined;
    const write = () => {
      writing ??= (async () => {
        while (unrecorded.length > 0) {
          await this.record(endpointId, mergeSent(unrecorded.splice(0))).catch((err: unknown) => {
            // Left held: they are taken up again once the hold expires.
            this.deps.log('webhook first attempts could not be recorded', { endpointId, error: (err as Error).message });
          });
        }
      })().finally(() => {
        writing = undefined;
        if (unrecorded.length > 0) write();
      });
    };
    const unrecordedCount = () => unrecorded.reduce((n, b) => n + b.results.length, 0);
    do {
      while (queue.pending.length > 0 && !this.stopped) {
        let handled = SEND_BATCH;
        try {
          const sent = await this.sendBatch(endpointId, queue.pending.slice(0, SEND_BATCH));
          handled = sent.results.length;
          unrecorded.push(sent);
          write();
        } catch (err) {
          this.deps.log('webhook first attempts could not be made', { endpointId, error: (err as Error).message });
        }
        for (const d of queue.pending.splice(0, handled)) queue.ids.delete(d.id);
        while (unrecordedCount() >= UNRECORDED_AT_MOST && writing) await writing;
      }
      // Deliveries queued while the last batches were being written are this drain's too.
      while (writing) await writing;
    } while (queue.pending.length > 0 && !this.stopped);
  }

  /**
   * Sends a batch, the attempts started in order: one at a time to an ordered endpoint, else up to
   * IN_FLIGHT_PER_ENDPOINT at once. Answers what became of each delivery handled, in the batch's order (a
   * prefix of it when stopping).
   */
  private async sendBatch(endpointId: string, batch: DeliveryRow[]): Promise<SentBatch> {
    const { db, secrets, settings, metrics } = this.deps;
    const read = this.endpointsRead.get(endpointId);
    this.endpointsRead.delete(endpointId);
    let endpoint = read?.endpoint;
    let endpointReadAt = read?.at ?? 0;
    let reading: Promise<void> | undefined;
    /** The endpoint, read again once ENDPOINT_RECHECK_MS old (one read for all the attempts waiting on it). */
    const current = async () => {
      if (Date.now() - endpointReadAt > ENDPOINT_RECHECK_MS) {
        await (reading ??= getEndpoint(db, endpointId).then((e) => {
          endpoint = e;
          endpointReadAt = Date.now();
        }).finally(() => { reading = undefined; }));
      }
      return endpoint;
    };
    const inFlight = (await current())?.ordered === false ? IN_FLIGHT_PER_ENDPOINT : 1;
    const sent: SentBatch = { results: [], exhausted: [], handOffs: [], healthSince: new Date() };
    /** Per delivery: what its attempt said of the endpoint, when it ended here. */
    const said: SentBatch['health'][] = [];
    let gone = false;
    const attempt = async (delivery: DeliveryRow, i: number) => {
      const target = await current();
      if (!target || target.status !== 'active' || gone) {
        sent.results[i] = { deliveryId: delivery.id, next: 'skipped' };
        return;
      }
      if ((this.failingUntil.get(endpointId) ?? 0) > Date.now()) {
        sent.results[i] = { deliveryId: delivery.id, next: 'in_workflow' };
        const askedMs = (this.askedUntil.get(endpointId) ?? 0) - Date.now();
        sent.handOffs.push([delivery.id, 1, settings.retryScheduleMs, askedMs > 0 ? askedMs : undefined]);
        return;
      }
      const startedAt = new Date();
      const answer = await attemptDelivery(target, delivery, secrets, settings);
      const outcome = attemptOutcome(answer);
      metrics.webhookAttempts.inc({ outcome });
      let next: FirstAttempt['next'] = outcome === 'succeeded' ? 'succeeded' : 'failed';
      if (outcome === 'succeeded') {
        this.failingUntil.delete(endpointId);
        this.askedUntil.delete(endpointId);
      }
      if (outcome === 'gone') gone = true;
      if (outcome === 'failed') {
        this.failingUntil.set(endpointId, Date.now() + FAILING_ENDPOINT_MS);
        if (answer.retryAfterMs) this.askedUntil.set(endpointId, Date.now() + answer.retryAfterMs);
        if (settings.retryScheduleMs.length > 1) {
          next = 'in_workflow';
          sent.handOffs.push([delivery.id, 2, settings.retryScheduleMs.slice(1), answer.retryAfterMs ?? undefined]);
        } else {
          const event = attemptExhaustedEvent(delivery, { attempt: 1, startedAt, statusCode: answer.statusCode });
          if (event) sent.exhausted.push(event);
        }
      }
      if (next !== 'in_workflow') said[i] = outcome;
      sent.results[i] = { deliveryId: delivery.id, attempt: { startedAt, ...answer }, next };
    };
    let taken = 0;
    await Promise.all(Array.from({ length: Math.min(inFlight, batch.length) }, async () => {
      while (taken < batch.length && !this.stopped) {
        const i = taken++;
        await attempt(batch[i], i);
      }
    }));
    // The latest delivery in the batch's order that says anything of the endpoint's health counts.
    for (let i = said.length - 1; i >= 0; i--) {
      if (said[i] === undefined) continue;
      sent.health = said[i];
      sent.healthSince = batch[i].created_at;
      break;
    }
    return sent;
  }

  /** Writes what was sent: retry workflows started, attempts written, the endpoint's health. */
  private async record(endpointId: string, sent: SentBatch) {
    const { db, settings, metrics } = this.deps;
    // Workflows first: a crash before the results are written repeats a first attempt, never loses a retry.
    // A delivery whose workflow could not be started is held a while, then its first attempt is made again.
    const notHandedOff = new Set<string>();
    await inParallel(sent.handOffs, HANDOFF_PARALLELISM, async ([id, firstAttempt, schedule, retryAfterMs]) => {
      try {
        await this.deps.handOff(id, firstAttempt, schedule, retryAfterMs);
      } catch (err) {
        notHandedOff.add(id);
        this.deps.log('could not start a webhook delivery workflow', { deliveryId: id, error: (err as Error).message });
      }
    });
    await recordFirstAttempts(db, sent.results.filter((r) => !notHandedOff.has(r.deliveryId)), sent.exhausted);
    if (notHandedOff.size > 0) await holdDeliveries(db, [...notHandedOff], HANDOFF_RETRY_MS);
    const disabled = sent.health !== undefined && await recordEndpointHealth(db, endpointId, sent.health, sent.healthSince, settings.disableAfterMs);
    if (disabled || sent.exhausted.length > 0) this.wake();
    for (const r of sent.results) if (r.next !== 'in_workflow') metrics.webhookDeliveries.inc({ outcome: r.next });
  }
}

/** What sending a batch of one endpoint's deliveries came to, to be written. */
interface SentBatch {
  results: FirstAttempt[];
  exhausted: NewOutboxEvent[];
  handOffs: [string, number, number[], number?][];
  /** What the deliveries that ended here say of the endpoint, the latest one counting, and that one's creation. */
  health?: 'succeeded' | 'failed' | 'gone';
  healthSince: Date;
}

/** Batches sent one after the other, written as one: the latest batch that says anything of the endpoint's health counts. */
function mergeSent(batches: SentBatch[]): SentBatch {
  const merged: SentBatch = { results: [], exhausted: [], handOffs: [], healthSince: new Date() };
  for (const b of batches) {
    merged.results.push(...b.results);
    merged.exhausted.push(...b.exhausted);
    merged.handOffs.push(...b.handOffs);
    if (b.health !== undefined) {
      merged.health = b.health;
      merged.healthSince = b.healthSince;
    }
  }
  return merged;
}

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}
