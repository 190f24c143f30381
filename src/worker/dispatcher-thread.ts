import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { dbStatements } from '../db/database';
import type { ActionOutcome } from '../activities/record-outcome';
import type { ActionRow } from '../domain';
import type { LogFn } from '../log';
import { dispatchHoldMs, type DispatcherDeps, type DispatchMetrics } from '../webhooks/dispatcher';

/** What the dispatcher thread is given at start (secrets stay in memory, never in a message that is logged). */
export interface DispatcherThreadData {
  databaseUrl: string;
  /** For the links in action events (src/api/urls.ts). */
  publicBaseUrl: string;
  poolSize: number;
  secretsKey: string;
  settings: DispatcherDeps['settings'];
}

export type ToThread =
  | { type: 'start' }
  | { type: 'wake' }
  | { type: 'handedOff'; id: number; error?: string }
  | { type: 'record'; id: number; actionId: string; outcome: ActionOutcome }
  | { type: 'stop' };

export type FromThread =
  | { type: 'handOff'; id: number; args: Parameters<DispatcherDeps['handOff']> }
  | { type: 'count'; counter: keyof DispatchMetrics; outcome: string }
  | { type: 'statements'; count: number }
  | { type: 'log'; message: string; fields?: Record<string, unknown> }
  | { type: 'recorded'; id: number; action?: ActionRow; error?: string }
  | { type: 'stopped' };

/**
 * The thread's entry, run by whatever runs this file: tsx for the TypeScript sources (a worker thread of
 * Node 20 does not take the parent's `--import tsx` for its entry), node for a build.
 */
function entrySource() {
  const entry = path.join(__dirname, `dispatcher-thread-entry${path.extname(__filename)}`);
  return entry.endsWith('.ts')
    ? { source: `require('tsx/cjs'); require(${JSON.stringify(entry)});`, eval: true }
    : { source: entry, eval: false };
}

/**
 * The webhook dispatcher (src/webhooks/dispatcher.ts) on a thread of its own, with its own connections, which
 * also records actions' outcomes with their events' deliveries (recordOutcome) and sends those at once. Its
 * statements and a delivery's answer are taken up at once rather than after the worker's steps queued on the
 * process's event loop: under 300 mints at once that loop's delay was 2–14 ms at the median and 14–60 ms at
 * p90, each of an outcome's nine statements waited for it, and an endpoint's deliveries go one after the
 * other. Workflows are started, counters moved and lines logged by the process, on the thread's word.
 */
export class DispatcherThread {
  readonly holdMs: number;
  /** Rejects if the thread ends other than by stop(). */
  readonly failed: Promise<never>;
  private readonly thread: Worker;
  private stopping?: Promise<void>;
  private ended?: Error;
  private lastRecord = 0;
  private readonly recording = new Map<number, { resolve: (action: ActionRow | undefined) => void; reject: (err: Error) => void }>();

  constructor(data: DispatcherThreadData, private readonly deps: { handOff: DispatcherDeps['handOff']; metrics: DispatchMetrics; log: LogFn }) {
    this.holdMs = dispatchHoldMs(data.settings.timeoutMs);
    const { source, eval: isSource } = entrySource();
    this.thread = new Worker(source, { eval: isSource, workerData: data });
    this.thread.on('message', (m: FromThread) => this.received(m));
    this.failed = new Promise<never>((_resolve, reject) => {
      const ended = (why: string) => {
        const err = new Error(why);
        this.ended = err;
        for (const waiting of this.recording.values()) waiting.reject(err);
        this.recording.clear();
        // Stopped, it ends while the worker may still be draining its steps: not a failure of the process.
        if (!this.stopping) reject(err);
      };
      this.thread.once('error', (err) => ended(`the webhook dispatcher thread failed: ${err.message}`));
      this.thread.once('exit', (code) => ended(`the webhook dispatcher thread exited (${code})`));
    });
    this.failed.catch(() => undefined);
  }

  start() {
    this.send({ type: 'start' });
  }

  wake = () => this.send({ type: 'wake' });

  /** Once stop() was called the thread takes no more outcomes to record. */
  get stopped() {
    return this.stopping !== undefined;
  }

  /** As recordOutcomeAndSend (src/activities/record-outcome.ts), on the thread; not once stopped. */
  recordAndSend(actionId: string, outcome: ActionOutcome): Promise<ActionRow | undefined> {
    return new Promise((resolve, reject) => {
      if (this.ended) return reject(this.ended);
      const id = ++this.lastRecord;
      this.recording.set(id, { resolve, reject });
      this.send({ type: 'record', id, actionId, outcome });
    });
  }

  /** As WebhookDispatcher.stop, then the thread ends. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      if (this.ended) return resolve();
      const done = () => void this.thread.terminate().then(() => resolve(), () => resolve());
      this.thread.once('exit', () => resolve());
      this.thread.on('message', (m: FromThread) => m.type === 'stopped' && done());
      this.send({ type: 'stop' });
    });
    return this.stopping;
  }

  private send(message: ToThread) {
    this.thread.postMessage(message);
  }

  private received(m: FromThread) {
    switch (m.type) {
      case 'handOff':
        this.deps.handOff(...m.args).then(
          () => this.send({ type: 'handedOff', id: m.id }),
          (err: unknown) => this.send({ type: 'handedOff', id: m.id, error: (err as Error).message }),
        );
        return;
      case 'count':
        this.deps.metrics[m.counter].inc({ outcome: m.outcome });
        return;
      case 'statements':
        dbStatements.inc(m.count);
        return;
      case 'log':
        this.deps.log(m.message, m.fields);
        return;
      case 'recorded': {
        const waiting = this.recording.get(m.id);
        this.recording.delete(m.id);
        if (m.error === undefined) waiting?.resolve(m.action);
        else waiting?.reject(new Error(m.error));
        return;
      }
      case 'stopped':
        return;
    }
  }
}
