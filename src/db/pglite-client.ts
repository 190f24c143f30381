import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** 0: a statement answering a request, taken before 1: background work (the worker's steps, its loops). */
export type Priority = 0 | 1;

type Operation =
  | { op: 'query'; sql: string; params?: unknown[]; priority: Priority }
  | { op: 'begin'; tx: number; priority: Priority }
  | { op: 'commit' | 'rollback'; tx: number }
  | { op: 'txQuery'; tx: number; sql: string; params?: unknown[] }
  | { op: 'close' };

/**
 * The embedded PGlite, run in a thread of its own (src/db/pglite-thread.cjs): its WASM Postgres took about 40 %
 * of the embedded stack's only event loop, so API answers waited behind the worker's statements. There its one
 * connection serves requests' statements before background ones.
 */
export function startPGliteThread(dir: string) {
  const thread = new Worker(path.join(__dirname, 'pglite-thread.cjs'), { workerData: { dir }, execArgv: [] });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let nextTx = 0;
  const failAll = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  thread.on('message', (msg: { id: number; result?: unknown; error?: Error & Record<string, unknown> }) => {
    const w = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.error) w?.reject(Object.assign(new Error(msg.error.message), msg.error));
    else w?.resolve(msg.result);
  });
  thread.on('error', failAll);
  thread.on('exit', (code) => failAll(new Error(`the PGlite thread exited (code ${code})`)));
  const call = <T>(operation: Operation) => new Promise<T>((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
    thread.postMessage({ id, ...operation });
  });
  return {
    call,
    newTransactionId: () => nextTx++,
    async close() {
      await call({ op: 'close' });
      await thread.terminate();
    },
  };
}
